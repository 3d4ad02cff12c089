package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerRules;
import dev.midge.broker.engine.Limits;
import dev.midge.broker.message.Message;
import dev.midge.broker.protocol.ReasonCode;
import dev.midge.broker.subscription.TopicFilter;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttPublishMessage;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a client's PUBLISH into a {@link Message}: resolves v5 topic aliases, enforces the
 * topic rules and message_size_limit, copies the payload once (the copy every subscriber
 * then shares) and keeps the forwarded properties. One per connection, event loop only.
 */
public final class InboundPublish {

    /**
     * A message; or the protocol violation that must close the connection; or a message the
     * broker drops but answers (v5 PUBACK/PUBREC with {@code dropReason}) and stays connected.
     */
    record Result(Message message, String violation, ReasonCode violationReason, ReasonCode dropReason) {
        static Result ok(Message m) {
            return new Result(m, null, null, null);
        }

        static Result violation(ReasonCode reason, String cause) {
            return new Result(null, cause, reason, null);
        }

        static Result dropped(ReasonCode reason, String cause) {
            return new Result(null, cause, null, reason);
        }
    }

    private final BrokerOptions options;
    private final boolean v5;
    private final int maxQos;
    private final int maxTopicAlias;
    private final String mountPoint;
    private final String clientId;
    private final Map<Integer, String> topicAliases = new HashMap<>();

    InboundPublish(BrokerOptions options, boolean v5, String clientId, ListenerRules rules) {
        this.options = options;
        this.maxQos = rules.maxQos();
        this.maxTopicAlias = rules.topicAliasMaximum(options);
        this.mountPoint = rules.mountPoint();
        this.v5 = v5;
        this.clientId = clientId;
    }

    Result accept(MqttPublishMessage publish) {
        if (qos0WithDup(publish.fixedHeader())) {
            return Result.violation(ReasonCode.PROTOCOL_ERROR, QOS0_DUP);
        }
        int qos = publish.fixedHeader().qosLevel().value();
        if (qos > maxQos) {
            // As mosquitto, for 3.1.1 clients too (which were not told): the connection ends.
            return Result.violation(ReasonCode.QOS_NOT_SUPPORTED, "QoS " + qos + " PUBLISH over this listener's max_qos "
                    + maxQos);
        }
        String topic = publish.variableHeader().topicName();
        MqttProperties props = publish.variableHeader().properties();
        MqttProperties.MqttProperty<?> alias = props.getProperty(MqttProperties.MqttPropertyType.TOPIC_ALIAS.value());
        if (alias != null) {
            int a = (Integer) alias.value();
            if (!v5 || a == 0 || a > maxTopicAlias) {
                return Result.violation(ReasonCode.TOPIC_ALIAS_INVALID, "topic alias " + a + " out of range");
            }
            if (topic == null || topic.isEmpty()) {
                topic = topicAliases.get(a);
                if (topic == null) {
                    return Result.violation(ReasonCode.PROTOCOL_ERROR, "unknown topic alias " + a);
                }
            } else {
                topicAliases.put(a, topic);
            }
        }
        if (!TopicFilter.isValidTopicName(topic)) {
            return Result.violation(ReasonCode.TOPIC_NAME_INVALID, "invalid topic name '" + topic + "'");
        }
        // The alias maps the topic as the client sent it; what is routed and authorised is mounted.
        topic = MountPoint.topic(mountPoint, topic);
        if (Limits.tooManyTopicLevels(options, topic)) {
            // The topic itself is not logged: it may be 64 KiB of slashes.
            return Result.violation(ReasonCode.TOPIC_NAME_INVALID, "topic name of "
                    + TopicFilter.levelCount(topic) + " levels is over the limit of " + options.maxTopicLevels());
        }
        int size = publish.payload().readableBytes();
        if (options.messageSizeLimit() > 0 && size > options.messageSizeLimit()) {
            // As mosquitto: a payload over message_size_limit in a packet within the Maximum
            // Packet Size is dropped, QoS 1/2 answered (v5 0x95 Packet too large), and the
            // client stays connected; only PacketSizeLimit closes, for packets over that size.
            return Result.dropped(ReasonCode.PACKET_TOO_LARGE, "message of " + size
                    + " bytes on " + topic + " is over message_size_limit " + options.messageSizeLimit());
        }
        if (publish.fixedHeader().isRetain() && !options.retainAvailable() && v5) {
            // We told the client Retain Available 0 in CONNACK (§3.3.1.3).
            return Result.violation(ReasonCode.RETAIN_NOT_SUPPORTED, "retained message while retain is not available");
        }
        byte[] payload = ByteBufUtil.getBytes(publish.payload());
        return Result.ok(new Message(topic, payload, publish.fixedHeader().qosLevel().value(),
                publish.fixedHeader().isRetain(), forwarded(props), expiry(props), clientId));
    }

    static final String QOS0_DUP = "QoS 0 PUBLISH with DUP set";

    /**
     * DUP set on a QoS 0 PUBLISH breaks MQTT-3.3.1-2 in the fixed header, the first thing read
     * of a packet, so it is judged before the topic: a PUBLISH with DUP on QoS 0 and a malformed
     * topic is a Protocol Error (0x82), not Topic Name invalid (0x90). §4.13 makes a packet
     * that parses but breaks a rule a Protocol Error; 0x90 remains the answer for a bad topic
     * in an otherwise valid PUBLISH (§3.3.2.1). mosquitto also refuses QoS 0 with DUP first.
     */
    static boolean qos0WithDup(MqttFixedHeader header) {
        return header != null && header.messageType() == MqttMessageType.PUBLISH
                && header.qosLevel() == MqttQoS.AT_MOST_ONCE && header.isDup();
    }

    public static Message.ForwardedProperties forwarded(MqttProperties props) {
        // Netty's isEmpty() does not count user properties, which it keeps in a list of their own:
        // a PUBLISH or will whose only properties are user properties must still forward them.
        if (props.isEmpty() && props.getProperties(MqttProperties.MqttPropertyType.USER_PROPERTY.value()).isEmpty()) {
            return Message.ForwardedProperties.NONE;
        }
        List<Map.Entry<String, String>> user = new ArrayList<>();
        for (MqttProperties.MqttProperty<?> p : props.getProperties(MqttProperties.MqttPropertyType.USER_PROPERTY.value())) {
            if (p instanceof MqttProperties.UserProperty u) {
                user.add(new AbstractMap.SimpleImmutableEntry<>(u.value().key, u.value().value));
            } else if (p instanceof MqttProperties.UserProperties us) {
                for (MqttProperties.StringPair pair : us.value()) {
                    user.add(new AbstractMap.SimpleImmutableEntry<>(pair.key, pair.value));
                }
            }
        }
        return new Message.ForwardedProperties(
                (Integer) value(props, MqttProperties.MqttPropertyType.PAYLOAD_FORMAT_INDICATOR),
                (String) value(props, MqttProperties.MqttPropertyType.CONTENT_TYPE),
                (String) value(props, MqttProperties.MqttPropertyType.RESPONSE_TOPIC),
                (byte[]) value(props, MqttProperties.MqttPropertyType.CORRELATION_DATA),
                user);
    }

    public static long expiry(MqttProperties props) {
        Object seconds = value(props, MqttProperties.MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL);
        if (seconds == null) {
            return Message.NEVER;
        }
        return System.nanoTime() + Integer.toUnsignedLong((Integer) seconds) * 1_000_000_000L;
    }

    private static Object value(MqttProperties props, MqttProperties.MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props.getProperty(type.value());
        return p == null ? null : p.value();
    }
}

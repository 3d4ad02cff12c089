package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.engine.Limits;
import dev.midge.broker.engine.Message;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.subscription.TopicFilter;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a client's PUBLISH into a {@link Message}: resolves v5 topic aliases, enforces the
 * topic rules and message_size_limit, copies the payload once (the copy every subscriber
 * then shares) and keeps the forwarded properties. One per connection, event loop only.
 */
final class InboundPublish {

    private static final Logger LOG = LoggerFactory.getLogger(InboundPublish.class);

    /** A message, or the protocol violation that must close the connection. */
    record Result(Message message, String violation, int violationReason) {
        static Result ok(Message m) {
            return new Result(m, null, 0);
        }

        static Result violation(int reason, String cause) {
            return new Result(null, cause, reason);
        }
    }

    private final BrokerOptions options;
    private final ClientConnection connection;
    private final Map<Integer, String> topicAliases = new HashMap<>();
    /** Denied topics already warned about; at most {@link #DENIED_TOPICS_LOGGED}, so it cannot grow with the client's input. */
    private final Set<String> deniedLogged = new HashSet<>();
    private boolean deniedSummaryLogged;

    /** Enough to show what a misconfigured device is trying; a client cycling topics gets one summary line. */
    static final int DENIED_TOPICS_LOGGED = 16;

    InboundPublish(BrokerOptions options, ClientConnection connection) {
        this.options = options;
        this.connection = connection;
    }

    Result accept(MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        MqttProperties props = publish.variableHeader().properties();
        MqttProperties.MqttProperty<?> alias = props.getProperty(MqttProperties.MqttPropertyType.TOPIC_ALIAS.value());
        if (alias != null) {
            int a = (Integer) alias.value();
            if (!connection.isV5() || a == 0 || a > options.maxTopicAlias()) {
                return Result.violation(ProtocolViolation.TOPIC_ALIAS_INVALID, "topic alias " + a + " out of range");
            }
            if (topic == null || topic.isEmpty()) {
                topic = topicAliases.get(a);
                if (topic == null) {
                    return Result.violation(ProtocolViolation.PROTOCOL_ERROR, "unknown topic alias " + a);
                }
            } else {
                topicAliases.put(a, topic);
            }
        }
        if (!TopicFilter.isValidTopicName(topic)) {
            return Result.violation(ProtocolViolation.TOPIC_NAME_INVALID, "invalid topic name '" + topic + "'");
        }
        if (Limits.tooManyTopicLevels(options, topic)) {
            // The topic itself is not logged: it may be 64 KiB of slashes.
            return Result.violation(ProtocolViolation.TOPIC_NAME_INVALID, "topic name of "
                    + TopicFilter.levelCount(topic) + " levels is over the limit of " + options.maxTopicLevels());
        }
        int size = publish.payload().readableBytes();
        if (options.messageSizeLimit() > 0 && size > options.messageSizeLimit()) {
            return Result.violation(ProtocolViolation.PACKET_TOO_LARGE, "message of " + size
                    + " bytes on " + topic + " is over message_size_limit " + options.messageSizeLimit());
        }
        if (publish.fixedHeader().isRetain() && !options.retainAvailable() && connection.isV5()) {
            // We told the client Retain Available 0 in CONNACK (§3.3.1.3).
            return Result.violation(ProtocolViolation.RETAIN_NOT_SUPPORTED, "retained message while retain is not available");
        }
        byte[] payload = ByteBufUtil.getBytes(publish.payload());
        return Result.ok(new Message(topic, payload, publish.fixedHeader().qosLevel().value(),
                publish.fixedHeader().isRetain(), forwarded(props), expiry(props), connection.clientId()));
    }

    static Message.ForwardedProperties forwarded(MqttProperties props) {
        if (props.isEmpty()) {
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

    static long expiry(MqttProperties props) {
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

    /**
     * One warning per client and topic, so a device retrying a denied topic can't flood the log;
     * past {@link #DENIED_TOPICS_LOGGED} topics one last line says the rest go unlogged, so
     * neither the log nor this connection's memory grows with the number of topics it tries.
     */
    void logDenied(String topic) {
        if (deniedLogged.contains(topic)) {
            return;
        }
        if (deniedLogged.size() < DENIED_TOPICS_LOGGED) {
            deniedLogged.add(topic);
            LOG.warn("Denied PUBLISH from client {} (username {}) to '{}'.", connection.describe(),
                    LogSafe.text(connection.identity().username()), LogSafe.text(topic));
        } else if (!deniedSummaryLogged) {
            deniedSummaryLogged = true;
            LOG.warn("Denied PUBLISH from client {} (username {}) to '{}' and more topics than {}; "
                    + "its further denied topics are not logged.", connection.describe(),
                    LogSafe.text(connection.identity().username()), LogSafe.text(topic), DENIED_TOPICS_LOGGED);
        }
    }
}

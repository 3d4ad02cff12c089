package dev.midge.broker.netty;

import dev.midge.broker.protocol.ClientSession;
import dev.midge.broker.protocol.PublishAnswer;
import dev.midge.broker.protocol.ReasonCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;

import java.util.ArrayList;
import java.util.List;

/** Netty's MQTT packets in {@link ClientSession}'s terms: its calls' arguments from packets, its answers as packets. */
final class MqttPackets {

    private MqttPackets() {
    }

    /** PUBACK for a QoS 1 PUBLISH, PUBREC for a QoS 2 one. */
    static MqttMessage pubReply(MqttPublishMessage publish, PublishAnswer answer) {
        MqttMessageType type = publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE
                ? MqttMessageType.PUBACK : MqttMessageType.PUBREC;
        return pubReply(type, publish.variableHeader().packetId(), answer.reasonCode());
    }

    static MqttMessage pubReply(MqttMessageType type, int packetId, ReasonCode reason) {
        return new MqttMessage(new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, (byte) reason.value(), MqttProperties.NO_PROPERTIES));
    }

    static MqttSubAckMessage subAck(int packetId, List<Integer> reasonCodes) {
        return new MqttSubAckMessage(
                new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(reasonCodes));
    }

    static MqttUnsubAckMessage unsubAck(int packetId, List<ReasonCode> reasonCodes) {
        List<Short> codes = new ArrayList<>(reasonCodes.size());
        for (ReasonCode c : reasonCodes) {
            codes.add((short) c.value());
        }
        return new MqttUnsubAckMessage(
                new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttUnsubAckPayload(codes));
    }

    /**
     * The requested subscriptions, at most {@code maxQos} each (the listener's max_qos, as mosquitto grants),
     * under the listener's mount point (null for none).
     */
    static List<ClientSession.TopicSubscription> subscriptions(MqttSubscribeMessage m, int maxQos, String mountPoint) {
        List<ClientSession.TopicSubscription> requests = new ArrayList<>();
        for (MqttTopicSubscription t : m.payload().topicSubscriptions()) {
            var o = t.option();
            requests.add(new ClientSession.TopicSubscription(MountPoint.filter(mountPoint, t.topicFilter()), Math.min(o.qos().value(), maxQos), o.isNoLocal(),
                    o.isRetainAsPublished(), o.retainHandling().value()));
        }
        return requests;
    }

    /** The SUBSCRIBE's Subscription Identifier (v5), or 0. */
    static int subscriptionIdentifier(MqttSubscribeMessage m) {
        MqttProperties.MqttProperty<?> id = m.idAndPropertiesVariableHeader().properties()
                .getProperty(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value());
        return id == null ? 0 : (Integer) id.value();
    }

    static int packetId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    /** The reason code of a v5 PUBACK/PUBREC/PUBREL/PUBCOMP or DISCONNECT (0 Success when absent, as in 3.1.1). */
    static int reasonCode(MqttMessage m) {
        if (m.variableHeader() instanceof MqttPubReplyMessageVariableHeader h) {
            return h.reasonCode() & 0xFF;
        }
        return m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h ? h.reasonCode() & 0xFF : 0;
    }

    /** The Session Expiry Interval a v5 DISCONNECT sets, or null. */
    static Long sessionExpiry(MqttMessage disconnect) {
        if (disconnect.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h) {
            MqttProperties.MqttProperty<?> p =
                    h.properties().getProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value());
            return p == null ? null : Integer.toUnsignedLong((Integer) p.value());
        }
        return null;
    }
}

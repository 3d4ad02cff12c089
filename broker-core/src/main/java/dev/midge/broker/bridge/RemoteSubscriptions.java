package dev.midge.broker.bridge;

import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribePayload;

import java.util.List;

/**
 * What a bridge says to the remote after CONNACK, as mosquitto's bridge__on_connect: SUBSCRIBE to
 * each in/both topic (MQTT 5: no-local, retain as published, retained always sent, so the remote
 * does not echo what the bridge published there), UNSUBSCRIBE from each out-only topic
 * (bridge_attempt_unsubscribe, in case an earlier configuration subscribed), and the
 * acknowledgements of messages from the remote.
 */
final class RemoteSubscriptions {

    /** Packet ids of the bridge's own SUBSCRIBE/UNSUBSCRIBE: apart from the session's, which start at 1. */
    private static final int FIRST_ID = 65_000;

    private RemoteSubscriptions() {
    }

    static void send(Channel ch, BridgeOptions o, boolean v5) {
        int id = FIRST_ID;
        for (BridgeOptions.Topic t : o.topics()) {
            if (t.direction().incoming()) {
                MqttSubscriptionOption option = v5
                        ? new MqttSubscriptionOption(MqttQoS.valueOf(t.qos()), true, true,
                                MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE)
                        : MqttSubscriptionOption.onlyFromQos(MqttQoS.valueOf(t.qos()));
                ch.write(new MqttSubscribeMessage(
                        new MqttFixedHeader(MqttMessageType.SUBSCRIBE, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                        MqttMessageIdVariableHeader.from(id++),
                        new MqttSubscribePayload(List.of(new MqttTopicSubscription(t.remoteTopic(), option)))));
            } else if (o.attemptUnsubscribe()) {
                ch.write(new MqttUnsubscribeMessage(
                        new MqttFixedHeader(MqttMessageType.UNSUBSCRIBE, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                        MqttMessageIdVariableHeader.from(id++),
                        new MqttUnsubscribePayload(List.of(t.remoteTopic()))));
            }
        }
        ch.flush();
    }

    /** The remote's Receive Maximum (v5), else MQTT's most. */
    static int receiveMaximum(MqttConnAckMessage connAck, boolean v5) {
        if (!v5) {
            return 65_535;
        }
        MqttProperties.MqttProperty<?> p = connAck.variableHeader().properties()
                .getProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value());
        return p == null ? 65_535 : (Integer) p.value();
    }

    /** PUBACK (QoS 1) or PUBREC (QoS 2) for a message from the remote. */
    static MqttMessage pubAck(boolean qos1, int packetId) {
        return new MqttMessage(new MqttFixedHeader(qos1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, false,
                MqttQoS.AT_MOST_ONCE, false, 0), MqttMessageIdVariableHeader.from(packetId));
    }

    static MqttMessage pubComp(int packetId) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBCOMP, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }
}

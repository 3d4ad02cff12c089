package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.engine.Limits;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;

/** CONNACK (MQTT 5 §3.2): accepted with what the broker tells a v5 client about itself, or refused and closed. */
final class ConnAckPacket {

    private ConnAckPacket() {
    }

    static MqttConnAckMessage accepted(ConnectPacket packet, BrokerOptions options, ListenerOptions listener,
                                       boolean sessionPresent) {
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        if (packet.v5()) {
            MqttMessageBuilders.ConnAckPropertiesBuilder b = new MqttMessageBuilders.ConnAckPropertiesBuilder()
                    .receiveMaximum(Limits.receiveMaximum(options))
                    .topicAliasMaximum(listener.rules().topicAliasMaximum(options))
                    .retainAvailable(options.retainAvailable())
                    .wildcardSubscriptionAvailable(true)
                    .subscriptionIdentifiersAvailable(true)
                    .sharedSubscriptionAvailable(true);
            if (packet.assignedClientId()) {
                b.assignedClientId(packet.clientId());
            }
            if (packet.serverKeepAlive()) {
                b.serverKeepAlive(packet.keepAlive());
            }
            if (options.messageSizeLimit() > 0 || options.maxPacketSize() > 0) {
                b.maximumPacketSize(ConnectPacket.brokerMaximumPacketSize(options));
            }
            props = b.build();
            if (listener.rules().maxQos() < 2) {
                // Not the builder's maximumQos: Netty 4.1's build() writes Receive Maximum's value under it.
                props.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.MAXIMUM_QOS.value(),
                        listener.rules().maxQos()));
            }
        }
        return MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(sessionPresent).properties(props).build();
    }

    /** Sends a refusing CONNACK and closes once it is written (the caller logged why). */
    static void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
        ctx.writeAndFlush(MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build())
                .addListener(ChannelFutureListener.CLOSE);
    }
}

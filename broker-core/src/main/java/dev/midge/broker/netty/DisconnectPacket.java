package dev.midge.broker.netty;

import dev.midge.broker.protocol.ReasonCode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;

/** Closing a connection from the broker's side: v5 says why in a DISCONNECT first; 3.1.1 has none. */
final class DisconnectPacket {

    private DisconnectPacket() {
    }

    static void closeWithReason(Channel channel, boolean v5, ReasonCode reasonCode) {
        if (v5 && channel.isActive()) {
            MqttMessage disconnect = new MqttMessage(
                    new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    new MqttReasonCodeAndPropertiesVariableHeader((byte) reasonCode.value(), MqttProperties.NO_PROPERTIES));
            channel.writeAndFlush(disconnect).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }
}

package dev.midge.broker.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribePayload;
import io.netty.handler.codec.mqtt.MqttVersion;

import java.util.ArrayList;
import java.util.List;

/**
 * The rarely sent packets of {@link MqttFrameDecoder}: CONNECT (§3.1, which also fixes the
 * connection's protocol version), SUBSCRIBE (§3.8) and UNSUBSCRIBE (§3.10), each from a whole
 * packet ending at {@code end}, with the refusals Netty's decoder made.
 */
final class MqttControlPackets {

    /** Netty's limit for a will topic: a longer one was read as absent (null), and ConnectPacket refuses that. */
    private static final int MAX_WILL_TOPIC = 32_767;

    private final MqttFrameDecoder decoder;

    MqttControlPackets(MqttFrameDecoder decoder) {
        this.decoder = decoder;
    }

    MqttConnectMessage connect(ChannelHandlerContext ctx, MqttFixedHeader header, ByteBuf in, int end) {
        String protocolName = MqttFields.string(in, end);
        byte level = (byte) MqttFields.unsignedByte(in, end);
        // Throws MqttUnacceptableProtocolVersionException, which ConnectRefusal answers with CONNACK 0x01.
        MqttVersion version = MqttVersion.fromProtocolNameAndLevel(protocolName, level);
        decoder.version(ctx, version);
        int flags = MqttFields.unsignedByte(in, end);
        int keepAlive = MqttFields.unsignedShort(in, end);
        if (version != MqttVersion.MQTT_3_1 && (flags & 0x01) != 0) {
            throw new DecoderException("non-zero reserved flag"); // MQTT-3.1.2-3
        }
        boolean hasUserName = (flags & 0x80) != 0;
        boolean hasPassword = (flags & 0x40) != 0;
        boolean willRetain = (flags & 0x20) != 0;
        int willQos = (flags & 0x18) >> 3;
        boolean willFlag = (flags & 0x04) != 0;
        boolean cleanSession = (flags & 0x02) != 0;
        boolean v5 = version == MqttVersion.MQTT_5;
        MqttProperties properties = v5 ? MqttFields.properties(in, end) : MqttProperties.NO_PROPERTIES;
        MqttConnectVariableHeader variableHeader = new MqttConnectVariableHeader(version.protocolName(),
                version.protocolLevel(), hasUserName, hasPassword, willRetain, willQos, willFlag, cleanSession,
                keepAlive, properties);

        String clientId = MqttFields.string(in, end);
        if (version == MqttVersion.MQTT_3_1 && clientId.isEmpty()) {
            // 3.1 has no empty client ids (3.1.1 and 5.0 may, ClientIdRules decides): CONNACK 0x02.
            throw new MqttIdentifierRejectedException("invalid clientIdentifier: " + clientId);
        }
        MqttProperties willProperties = MqttProperties.NO_PROPERTIES;
        String willTopic = null;
        byte[] willMessage = null;
        if (willFlag) {
            willProperties = v5 ? MqttFields.properties(in, end) : MqttProperties.NO_PROPERTIES;
            int length = MqttFields.length(in, end);
            if (length <= MAX_WILL_TOPIC) {
                in.readerIndex(in.readerIndex() - 2);
                willTopic = MqttFields.string(in, end);
            } else {
                in.skipBytes(length);
            }
            willMessage = MqttFields.binary(in, end);
        }
        String userName = hasUserName ? MqttFields.string(in, end) : null;
        byte[] password = hasPassword ? MqttFields.binary(in, end) : null;
        return new MqttConnectMessage(header, variableHeader,
                new MqttConnectPayload(clientId, willProperties, willTopic, willMessage, userName, password));
    }

    MqttSubscribeMessage subscribe(MqttFixedHeader header, ByteBuf in, int end) {
        MqttMessageIdAndPropertiesVariableHeader variableHeader = idAndProperties(in, end);
        List<MqttTopicSubscription> subscriptions = new ArrayList<>();
        while (in.readerIndex() < end) {
            String filter = MqttFields.string(in, end);
            int options = MqttFields.unsignedByte(in, end);
            // valueOf refuses QoS 3 and Retain Handling 3 (Malformed Packet), as Netty's decoder did.
            subscriptions.add(new MqttTopicSubscription(filter, new MqttSubscriptionOption(
                    MqttQoS.valueOf(options & 0x03), (options & 0x04) != 0, (options & 0x08) != 0,
                    MqttSubscriptionOption.RetainedHandlingPolicy.valueOf((options & 0x30) >> 4))));
        }
        return new MqttSubscribeMessage(header, variableHeader, new MqttSubscribePayload(subscriptions));
    }

    MqttUnsubscribeMessage unsubscribe(MqttFixedHeader header, ByteBuf in, int end) {
        MqttMessageIdAndPropertiesVariableHeader variableHeader = idAndProperties(in, end);
        List<String> filters = new ArrayList<>();
        while (in.readerIndex() < end) {
            filters.add(MqttFields.string(in, end));
        }
        return new MqttUnsubscribeMessage(header, variableHeader, new MqttUnsubscribePayload(filters));
    }

    private MqttMessageIdAndPropertiesVariableHeader idAndProperties(ByteBuf in, int end) {
        int packetId = MqttFields.packetId(in, end);
        MqttProperties properties = decoder.isV5() ? MqttFields.properties(in, end) : MqttProperties.NO_PROPERTIES;
        return new MqttMessageIdAndPropertiesVariableHeader(packetId, properties);
    }
}

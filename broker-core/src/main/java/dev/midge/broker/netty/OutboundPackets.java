package dev.midge.broker.netty;

import dev.midge.broker.message.Message;
import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.Outbound;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;

import java.util.Map;

/** A session's {@link Outbound} packet as Netty's MQTT message, with the v5 properties it forwards. */
public final class OutboundPackets {

    private OutboundPackets() {
    }

    static MqttMessage toMqtt(Outbound packet, boolean v5, long now) {
        if (packet instanceof Outbound.PubRel rel) {
            return new MqttMessage(
                    new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(rel.packetId()));
        }
        Outbound.Publish publish = (Outbound.Publish) packet;
        Delivery d = publish.delivery();
        Message m = d.message();
        MqttFixedHeader fixed = new MqttFixedHeader(MqttMessageType.PUBLISH, publish.dup(),
                MqttQoS.valueOf(d.qos()), d.retain(), 0);
        MqttProperties props = v5 ? properties(d, now) : MqttProperties.NO_PROPERTIES;
        // The payload array is shared by every subscriber; wrapping does not copy it.
        return new MqttPublishMessage(fixed, new MqttPublishVariableHeader(m.topic(), publish.packetId(), props),
                Unpooled.wrappedBuffer(m.payload()));
    }

    /** The v5 properties a delivery forwards (also a bridge's, to its remote). */
    public static MqttProperties properties(Delivery d, long now) {
        Message m = d.message();
        Message.ForwardedProperties f = m.properties();
        MqttProperties props = new MqttProperties();
        if (f.payloadFormatIndicator() != null) {
            props.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), f.payloadFormatIndicator()));
        }
        long expiry = m.remainingExpirySeconds(now);
        if (expiry >= 0) {
            props.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), (int) expiry));
        }
        if (f.contentType() != null) {
            props.add(new MqttProperties.StringProperty(
                    MqttProperties.MqttPropertyType.CONTENT_TYPE.value(), f.contentType()));
        }
        if (f.responseTopic() != null) {
            props.add(new MqttProperties.StringProperty(
                    MqttProperties.MqttPropertyType.RESPONSE_TOPIC.value(), f.responseTopic()));
        }
        if (f.correlationData() != null) {
            props.add(new MqttProperties.BinaryProperty(
                    MqttProperties.MqttPropertyType.CORRELATION_DATA.value(), f.correlationData()));
        }
        for (Map.Entry<String, String> u : f.userProperties()) {
            props.add(new MqttProperties.UserProperty(u.getKey(), u.getValue()));
        }
        for (int id : d.subscriptionIdentifiers()) {
            props.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), id));
        }
        return props;
    }
}

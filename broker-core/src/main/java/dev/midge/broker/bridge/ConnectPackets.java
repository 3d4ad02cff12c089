package dev.midge.broker.bridge;

import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * The bridge's CONNECT, as mosquitto's: remote client id and credentials, clean session, keep
 * alive, and (with notifications to the remote) a retained will of "0" on the notification topic.
 */
final class ConnectPackets {

    private ConnectPackets() {
    }

    static MqttConnectMessage of(BridgeOptions o, boolean v5) {
        MqttVersion version = switch (o.protocol()) {
            case MQTT_3_1 -> MqttVersion.MQTT_3_1;
            case MQTT_3_1_1 -> MqttVersion.MQTT_3_1_1;
            case MQTT_5 -> MqttVersion.MQTT_5;
        };
        MqttMessageBuilders.ConnectBuilder b = MqttMessageBuilders.connect()
                .protocolVersion(version)
                .clientId(o.remoteClientId())
                .cleanSession(o.cleanSession())
                .keepAlive(o.keepalive());
        if (o.username() != null) {
            b.hasUser(true).username(o.username());
        }
        if (o.password() != null) {
            b.hasPassword(true).password(o.password());
        }
        if (o.notifications() && !o.notificationsLocalOnly()) {
            b.willFlag(true).willTopic(o.notificationTopic()).willMessage(new byte[] {'0'})
                    .willQoS(MqttQoS.AT_LEAST_ONCE).willRetain(o.outgoingRetain());
            if (v5) {
                b.willProperties(MqttProperties.NO_PROPERTIES);
            }
        }
        if (v5) {
            MqttProperties props = new MqttProperties();
            if (!o.cleanSession()) {
                props.add(new MqttProperties.IntegerProperty(
                        MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 0xFFFFFFFF));
            }
            if (o.maxPacketSize() > 0) {
                props.add(new MqttProperties.IntegerProperty(
                        MqttProperties.MqttPropertyType.MAXIMUM_PACKET_SIZE.value(), (int) o.maxPacketSize()));
            }
            b.properties(props);
        }
        return b.build();
    }
}

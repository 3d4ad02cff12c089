package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.engine.Limits;
import dev.midge.broker.message.Message;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.protocol.ReasonCode;
import dev.midge.broker.session.Session;
import dev.midge.broker.subscription.TopicFilter;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;

import java.util.UUID;

/**
 * What a CONNECT asks for, after the broker's rules are applied: the effective client id
 * (assigned if empty), keep-alive (capped by maxKeepalive), session expiry, the client's
 * limits, and the will. A CONNECT the broker must refuse carries the CONNACK code; one that
 * breaks the protocol carries the reason to close.
 */
record ConnectPacket(boolean v5, int protocolLogLevel, String clientId, boolean assignedClientId, boolean cleanStart,
                     int keepAlive, boolean serverKeepAlive, long sessionExpiry, String username, byte[] password,
                     int receiveMaximum, long maximumPacketSize, int topicAliasMaximum, Message will, long willDelaySeconds,
                     MqttConnectReturnCode refusal, String refusalText, String violation, ReasonCode violationReason) {

    static ConnectPacket of(MqttConnectMessage m, BrokerOptions options, ListenerOptions listener) {
        MqttConnectVariableHeader h = m.variableHeader();
        MqttConnectPayload p = m.payload();
        boolean v5 = h.version() == MqttVersion.MQTT_5.protocolLevel();
        // mosquitto's log shows p1 for 3.1, p2 for 3.1.1 and p5 for 5.0.
        int logLevel = v5 ? 5 : h.version() == MqttVersion.MQTT_3_1.protocolLevel() ? 1 : 2;
        boolean clean = h.isCleanSession();
        MqttProperties props = h.properties();

        String clientId = p.clientIdentifier() == null ? "" : p.clientIdentifier();
        boolean assigned = false;
        MqttConnectReturnCode refusal = null;
        String refusalText = null;
        if (clientId.isEmpty()) {
            // As mosquitto: judged before use_username_as_clientid, which would replace the id.
            if (!listener.allowZeroLengthClientId()) {
                // mosquitto 2.0.11 answers v5 with 0x80 Unspecified error; §3.1.3.1 names 0x85.
                refusal = v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID
                        : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
                refusalText = "zero-length client id while allow_zero_length_clientid is false";
            } else if (v5 || clean) {
                clientId = listener.autoIdPrefix() + UUID.randomUUID();
                assigned = v5;
            } else {
                refusal = MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
                refusalText = "zero-length client id with clean session 0";
            }
        }

        int keepAlive = h.keepAliveTimeSeconds();
        boolean serverKeepAlive = false;
        int maxKeepalive = Limits.maxKeepalive(options);
        // max_keepalive is MQTT 5's Server Keep Alive, as in mosquitto: a 3.1.1 client has no
        // way to be told another value, so it keeps the keep alive it asked for.
        if (v5 && (keepAlive > maxKeepalive || keepAlive == 0)) {
            keepAlive = maxKeepalive;
            serverKeepAlive = true;
        }

        if (LogSafe.hasControl(clientId)) {
            // The store keys a session's rows by clientId + '\0' + sequence, so a U+0000 in an id
            // could make two sessions share rows; other controls only forge log lines.
            refusal = v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID
                    : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
            refusalText = "client id contains a control character";
        }
        if (v5 && props.getProperty(MqttProperties.MqttPropertyType.AUTHENTICATION_METHOD.value()) != null) {
            // Enhanced authentication (AUTH exchanges) is not supported (§4.12).
            refusal = MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD;
            refusalText = "enhanced authentication is not supported";
        }

        long expiry = options.sessionExpiry(v5 ? unsigned(props, MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL, 0)
                : clean ? 0 : Session.NEVER_EXPIRES);
        int receiveMaximum = (int) unsigned(props, MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM, 65535);
        long maxPacketSize = unsigned(props, MqttProperties.MqttPropertyType.MAXIMUM_PACKET_SIZE, Long.MAX_VALUE);
        int topicAliasMaximum = (int) unsigned(props, MqttProperties.MqttPropertyType.TOPIC_ALIAS_MAXIMUM, 0);
        String violation = null;
        if (receiveMaximum == 0 || maxPacketSize == 0) {
            violation = "Receive Maximum or Maximum Packet Size of 0";
        }

        Message will = null;
        long willDelay = 0;
        if (h.isWillFlag()) {
            String topic = p.willTopic();
            if (!TopicFilter.isValidTopicName(topic)) {
                violation = "invalid will topic '" + topic + "'";
            } else if (Limits.tooManyTopicLevels(options, topic)) {
                violation = "will topic of " + TopicFilter.levelCount(topic) + " levels is over the limit of "
                        + options.maxTopicLevels();
            } else {
                MqttProperties wp = p.willProperties();
                byte[] payload = p.willMessageInBytes() == null ? new byte[0] : p.willMessageInBytes();
                will = new Message(MountPoint.topic(listener.rules().mountPoint(), topic), payload, h.willQos(), h.isWillRetain(), InboundPublish.forwarded(wp),
                        InboundPublish.expiry(wp), clientId);
                willDelay = unsigned(wp, MqttProperties.MqttPropertyType.WILL_DELAY_INTERVAL, 0);
            }
        }
        if (will != null && will.qos() > listener.rules().maxQos()) {
            // As mosquitto: v5 is told 0x9B QoS not supported; 3.1.1 has no such code and is closed.
            String text = "will QoS " + will.qos() + " over this listener's max_qos " + listener.rules().maxQos();
            if (v5) {
                refusal = MqttConnectReturnCode.CONNECTION_REFUSED_QOS_NOT_SUPPORTED;
                refusalText = text;
            } else {
                violation = text;
            }
        }
        return new ConnectPacket(v5, logLevel, clientId, assigned, clean, keepAlive, serverKeepAlive, expiry,
                h.hasUserName() ? p.userName() : null, h.hasPassword() ? p.passwordInBytes() : null,
                receiveMaximum, maxPacketSize, topicAliasMaximum, will, willDelay, refusal, refusalText, violation,
                ReasonCode.PROTOCOL_ERROR);
    }

    /** The same CONNECT under another client id (use_username_as_clientid); the will then names it as publisher. */
    ConnectPacket withClientId(String id) {
        Message w = will == null ? null : new Message(will.topic(), will.payload(), will.qos(), will.retain(),
                will.properties(), will.expiresAtNanos(), id);
        return new ConnectPacket(v5, protocolLogLevel, id, assignedClientId, cleanStart, keepAlive, serverKeepAlive,
                sessionExpiry, username, password, receiveMaximum, maximumPacketSize, topicAliasMaximum, w,
                willDelaySeconds, refusal, refusalText, violation, violationReason);
    }

    private static long unsigned(MqttProperties props, MqttProperties.MqttPropertyType type, long absent) {
        MqttProperties.MqttProperty<?> p = props == null ? null : props.getProperty(type.value());
        return p == null ? absent : Integer.toUnsignedLong((Integer) p.value());
    }

    /**
     * The largest packet the broker accepts: a full-size payload plus room for the longest
     * topic and properties, so message_size_limit stays a limit on payload as in mosquitto.
     */
    static int brokerMaximumPacketSize(BrokerOptions options) {
        int fromPayloadLimit = options.messageSizeLimit() <= 0 ? 268_435_455
                : (int) Math.min(268_435_455L, options.messageSizeLimit() + 65_536L + 4_096L);
        // max_packet_size limits the whole packet, as mosquitto's does.
        return options.maxPacketSize() > 0 ? Math.min(fromPayloadLimit, options.maxPacketSize()) : fromPayloadLimit;
    }
}

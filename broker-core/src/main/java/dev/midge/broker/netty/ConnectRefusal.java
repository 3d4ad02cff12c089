package dev.midge.broker.netty;

import dev.midge.broker.listener.ListenerSecurity;
import dev.midge.broker.logging.LogSafe;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;

/**
 * Refusing a CONNECT: one line naming the peer, the username when known, and the cause, then
 * a refusing CONNACK. Logged under {@link ConnectHandler}'s name, as every CONNECT refusal
 * always was, so operators' log filters keep working.
 */
final class ConnectRefusal {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);

    private ConnectRefusal() {
    }

    /** A first packet Netty could not decode. */
    static void undecodable(ChannelHandlerContext ctx, MqttMessage m) {
        Throwable cause = m.decoderResult().cause();
        if (cause instanceof MqttUnacceptableProtocolVersionException) {
            LOG.warn("Client {} refused: unsupported protocol version.", Describe.address(ctx.channel()));
            ConnAckPacket.refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
        } else if (cause instanceof MqttIdentifierRejectedException) {
            LOG.warn("Client {} refused: invalid client identifier.", Describe.address(ctx.channel()));
            ConnAckPacket.refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
        } else {
            ProtocolViolation.decodeFailure(ctx.channel(), null, false, m.decoderResult());
        }
    }

    /** What the packet itself or the TLS handshake rules out, before anyone is asked; true if refused. */
    static boolean beforeAuthentication(ChannelHandlerContext ctx, ConnectPacket packet, ListenerSecurity security,
                                        X509Certificate[] chain) {
        if (packet.clientId().isEmpty()) {
            LOG.warn("Client {} refused: {}.", Describe.address(ctx.channel()), packet.refusalText());
            ConnAckPacket.refuse(ctx, packet.refusal());
            return true;
        }
        if (packet.violation() != null) {
            ProtocolViolation.close(ctx.channel(), packet.clientId(), packet.v5(), packet.violationReason(), packet.violation());
            return true;
        }
        if (packet.refusal() != null) {
            LOG.warn("Client {} refused: {}.", Describe.client(packet.clientId(), ctx.channel()), packet.refusalText());
            ConnAckPacket.refuse(ctx, packet.refusal());
            return true;
        }
        if (security != null && security.requiresClientCertificate(ctx.channel()) && chain == null) {
            LOG.warn("Client {} refused: no client certificate.", Describe.client(packet.clientId(), ctx.channel()));
            ConnAckPacket.refuse(ctx, packet.v5() ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
            return true;
        }
        return false;
    }

    /** After authentication: by the authenticator, the client id rules or the session's owner. */
    static void refuse(ChannelHandlerContext ctx, ConnectPacket packet, String username, MqttConnectReturnCode code,
                       String cause) {
        LOG.warn("Client {} (username {}) refused: {}.", Describe.client(packet.clientId(), ctx.channel()),
                LogSafe.text(username), cause);
        ConnAckPacket.refuse(ctx, code);
    }
}

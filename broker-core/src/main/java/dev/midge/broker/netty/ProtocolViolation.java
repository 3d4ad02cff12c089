package dev.midge.broker.netty;

import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.protocol.ReasonCode;
import io.netty.channel.Channel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closing a connection that broke the protocol: one log line naming the client and the cause,
 * the v5 DISCONNECT reason code where the spec gives one, and nothing else (no stack trace:
 * a misbehaving client is not a broker bug).
 */
final class ProtocolViolation {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolViolation.class);

    private ProtocolViolation() {
    }

    static void close(Channel channel, String clientId, boolean v5, ReasonCode reasonCode, String cause) {
        LOG.warn("Client {} disconnected due to {}: {}.", Describe.client(clientId, channel),
                reasonCode == ReasonCode.MALFORMED_PACKET ? "malformed packet" : "protocol error", LogSafe.text(cause));
        DisconnectPacket.closeWithReason(channel, v5, reasonCode);
    }

    /** For a packet Netty's decoder could not decode. */
    static void decodeFailure(Channel channel, String clientId, boolean v5, DecoderResult result) {
        Throwable cause = result.cause();
        if (cause instanceof TooLongFrameException) {
            close(channel, clientId, v5, ReasonCode.PACKET_TOO_LARGE, "packet too large (" + cause.getMessage() + ")");
        } else if (String.valueOf(cause.getMessage()).contains("invalid publish topic name")) {
            close(channel, clientId, v5, ReasonCode.TOPIC_NAME_INVALID, cause.getMessage());
        } else {
            close(channel, clientId, v5, ReasonCode.MALFORMED_PACKET, String.valueOf(cause.getMessage()));
        }
    }
}

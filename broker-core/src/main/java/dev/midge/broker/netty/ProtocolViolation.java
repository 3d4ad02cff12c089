package dev.midge.broker.netty;

import dev.midge.broker.logging.LogSafe;
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

    static final int MALFORMED_PACKET = 0x81;
    static final int PROTOCOL_ERROR = 0x82;
    static final int RECEIVE_MAXIMUM_EXCEEDED = 0x93;
    static final int TOPIC_FILTER_INVALID = 0x8F;
    static final int TOPIC_NAME_INVALID = 0x90;
    static final int TOPIC_ALIAS_INVALID = 0x94;
    static final int PACKET_TOO_LARGE = 0x95;
    static final int RETAIN_NOT_SUPPORTED = 0x9A;

    private ProtocolViolation() {
    }

    static void close(Channel channel, String clientId, boolean v5, int reasonCode, String cause) {
        LOG.warn("Client {} disconnected due to {}: {}.", Describe.client(clientId, channel),
                reasonCode == MALFORMED_PACKET ? "malformed packet" : "protocol error", LogSafe.text(cause));
        ClientConnection.closeWithReason(channel, v5, reasonCode);
    }

    /** For a packet Netty's decoder could not decode. */
    static void decodeFailure(Channel channel, String clientId, boolean v5, DecoderResult result) {
        Throwable cause = result.cause();
        if (cause instanceof TooLongFrameException) {
            close(channel, clientId, v5, PACKET_TOO_LARGE, "packet too large (" + cause.getMessage() + ")");
        } else if (String.valueOf(cause.getMessage()).contains("invalid publish topic name")) {
            close(channel, clientId, v5, TOPIC_NAME_INVALID, cause.getMessage());
        } else {
            close(channel, clientId, v5, MALFORMED_PACKET, String.valueOf(cause.getMessage()));
        }
    }
}

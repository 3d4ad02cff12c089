package dev.midge.broker.netty;

import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.protocol.ClientSession;
import dev.midge.broker.protocol.Ending;
import dev.midge.broker.protocol.ReasonCode;
import io.netty.channel.Channel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closing a connection that broke the protocol: one log line naming the client and the cause,
 * the v5 DISCONNECT reason code where the spec gives one, and nothing else (no stack trace:
 * a misbehaving client is not a broker bug). After CONNECT the line is the
 * {@link ClientSession}'s, which says why each of its connections ended; before, it is here.
 */
final class ProtocolViolation {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolViolation.class);

    private ProtocolViolation() {
    }

    /** Before a {@link ClientSession} exists ({@code clientId} null if not known yet). */
    static void close(Channel channel, String clientId, boolean v5, ReasonCode reasonCode, String cause) {
        LOG.warn("Client {} disconnected due to {}.", Describe.client(clientId, channel), words(reasonCode, cause));
        DisconnectPacket.closeWithReason(channel, v5, reasonCode);
    }

    static void close(ClientSession client, Channel channel, ReasonCode reasonCode, String cause) {
        client.end(Ending.PROTOCOL_VIOLATION, words(reasonCode, cause));
        DisconnectPacket.closeWithReason(channel, client.isV5(), reasonCode);
    }

    /** For a packet Netty's decoder could not decode, before CONNECT. */
    static void decodeFailure(Channel channel, String clientId, boolean v5, DecoderResult result) {
        close(channel, clientId, v5, reasonCode(result), cause(result));
    }

    static void decodeFailure(ClientSession client, Channel channel, DecoderResult result) {
        close(client, channel, reasonCode(result), cause(result));
    }

    private static String words(ReasonCode reasonCode, String cause) {
        return (reasonCode == ReasonCode.MALFORMED_PACKET ? "malformed packet" : "protocol error") + ": "
                + LogSafe.text(cause);
    }

    private static ReasonCode reasonCode(DecoderResult result) {
        Throwable cause = result.cause();
        if (cause instanceof TooLongFrameException) {
            return ReasonCode.PACKET_TOO_LARGE;
        }
        return String.valueOf(cause.getMessage()).contains("invalid publish topic name")
                ? ReasonCode.TOPIC_NAME_INVALID : ReasonCode.MALFORMED_PACKET;
    }

    private static String cause(DecoderResult result) {
        Throwable cause = result.cause();
        return cause instanceof TooLongFrameException ? "packet too large (" + cause.getMessage() + ")"
                : String.valueOf(cause.getMessage());
    }
}

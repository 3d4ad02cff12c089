package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges every packet by its fixed header, before any of its body is read: the first must be a
 * CONNECT (MQTT-3.1.0-1) announcing at most {@link #maxConnectSize} bytes, every later one at
 * most the broker's Maximum Packet Size. Netty's decoder cannot do this alone: it buffers
 * whatever the first packet announces, and it checks the size only after the variable header,
 * so a v5 PUBLISH announcing 100 MB of properties was buffered (and re-parsed on every read)
 * until they all arrived. The body is only counted here, never copied.
 */
final class PacketSizeLimit extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(PacketSizeLimit.class);

    /**
     * Room for any one CONNECT field at its MQTT maximum of 65,535 bytes (a will payload, a
     * password or token, v5 authentication data) with the others at ordinary sizes. All five
     * fields at their maximum (about 320 KiB) is legal but not worth that much memory per
     * unauthenticated connection.
     */
    static final int MAX_CONNECT_SIZE = 128 * 1024;

    private final int maxConnectSize;
    private final int maxPacketSize;
    private boolean connectSeen;
    /** Bytes of the current fixed header read so far; 0 when the next byte starts a packet. */
    private int headerBytes;
    private int type;
    private int remainingLength;
    /** Where in the current buffer the packet being judged starts. */
    private int packetStart;
    /** Bytes of the current packet's body still to pass. */
    private long bodyLeft;
    private boolean refused;

    PacketSizeLimit(int maxConnectSize, int maxPacketSize) {
        this.maxConnectSize = maxConnectSize;
        this.maxPacketSize = maxPacketSize;
    }

    /** The largest CONNECT accepted, never more than a packet the broker accepts at all. */
    static int maxConnectSize(BrokerOptions options) {
        return Math.min(MAX_CONNECT_SIZE, ConnectPacket.brokerMaximumPacketSize(options));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg); // the connection is closing
            return;
        }
        if (!(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String refusal = inspect(buf);
        if (refusal == null) {
            ctx.fireChannelRead(buf);
            return;
        }
        refused = true;
        if (!connectSeen) {
            buf.release();
            LOG.warn("Client {} {}, disconnecting.", Describe.address(ctx.channel()), refusal);
            ctx.close();
            return;
        }
        // The packets before it go on, then the refusal as an undecodable packet in their
        // place in the order: the session handler closes the connection as for any packet too
        // large (v5: DISCONNECT 0x95), after CONNACK if the CONNECT is still being authenticated.
        int before = packetStart - buf.readerIndex();
        if (before > 0) {
            ctx.fireChannelRead(buf.retainedSlice(buf.readerIndex(), before));
        }
        buf.release();
        ctx.fireChannelRead(new MqttMessage(null, null, null, DecoderResult.failure(new TooLongFrameException(refusal))));
    }

    /** Follows the packet boundaries through the bytes without consuming them; why to refuse, or null. */
    private String inspect(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        packetStart = i; // its header may have begun in an earlier buffer
        while (i < end) {
            if (bodyLeft > 0) {
                int skip = (int) Math.min(bodyLeft, end - i);
                i += skip;
                bodyLeft -= skip;
                continue;
            }
            int b = buf.getByte(i++) & 0xFF;
            if (headerBytes == 0) {
                packetStart = i - 1;
                type = b >> 4;
                if (!connectSeen && type != MqttMessageType.CONNECT.value()) {
                    return "sent " + typeName(type) + " before CONNECT";
                }
                headerBytes = 1;
                remainingLength = 0;
                continue;
            }
            // Remaining Length: up to four bytes of seven bits each, least significant first (§2.2.3).
            remainingLength += (b & 0x7F) << (7 * (headerBytes - 1));
            headerBytes++;
            int max = connectSeen ? maxPacketSize : maxConnectSize;
            if (remainingLength > max) {
                return connectSeen
                        ? "more than the maximum packet size of " + max + " bytes"
                        : "announced a CONNECT of more than " + max + " bytes, the most accepted before authentication";
            }
            if ((b & 0x80) == 0) {
                bodyLeft = remainingLength;
                headerBytes = 0;
                connectSeen = true;
            } else if (headerBytes == 5) {
                return "sent a malformed remaining length";
            }
        }
        return null;
    }

    private static String typeName(int type) {
        try {
            return MqttMessageType.valueOf(type).name();
        } catch (IllegalArgumentException e) {
            return "reserved packet type " + type;
        }
    }
}

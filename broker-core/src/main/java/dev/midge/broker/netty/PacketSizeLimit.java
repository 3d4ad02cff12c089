package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Judges every packet by its fixed header, before any of its body is read, and hands the
 * MQTT decoder only whole packets. The first must be a CONNECT (MQTT-3.1.0-1) announcing at
 * most {@link #maxConnectSize} bytes, every later one at most the broker's Maximum Packet Size.
 * Netty's decoder alone buffered whatever the first packet announced, checked the size only
 * after the variable header, and re-parsed an incomplete variable header on every read, so a
 * v5 PUBLISH announcing 100 MB of properties was buffered until they all arrived and cost
 * time quadratic in their length. Whole packets are handed on as one slice per read, as the
 * bytes came: nothing is copied here that the decoder would not have copied.
 */
final class PacketSizeLimit extends ByteToMessageDecoder {

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
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int whole = 0; // bytes of whole packets at the start of in
        while (!refused) {
            int start = in.readerIndex() + whole;
            if (start == in.writerIndex()) {
                break;
            }
            int type = in.getUnsignedByte(start) >> 4;
            if (!connectSeen && whole == 0 && type != MqttMessageType.CONNECT.value()) {
                refuse(ctx, in, whole, out, null, "sent " + typeName(type) + " before CONNECT");
                return;
            }
            // Remaining Length: up to four bytes of seven bits each, least significant first (§2.2.3).
            int max = connectSeen || whole > 0 ? maxPacketSize : maxConnectSize;
            int remaining = 0;
            int headerLength = 0;
            for (int i = 1; i <= 4 && headerLength == 0; i++) {
                if (start + i >= in.writerIndex()) {
                    break;
                }
                int b = in.getUnsignedByte(start + i);
                remaining += (b & 0x7F) << (7 * (i - 1));
                if (remaining > max) {
                    refuse(ctx, in, whole, out, new TooLongFrameException("more than the maximum packet size of "
                            + max + " bytes"), "announced a CONNECT of more than " + max
                            + " bytes, the most accepted before authentication");
                    return;
                }
                if ((b & 0x80) == 0) {
                    headerLength = i + 1;
                } else if (i == 4) {
                    refuse(ctx, in, whole, out, new DecoderException("malformed remaining length"),
                            "sent a malformed remaining length");
                    return;
                }
            }
            if (headerLength == 0 || in.writerIndex() - start < headerLength + remaining) {
                break; // the rest of this packet has not arrived
            }
            whole += headerLength + remaining;
        }
        if (whole > 0) {
            connectSeen = true;
            out.add(in.readRetainedSlice(whole));
        }
    }

    /**
     * Before CONNECT: one log line and close. After it, the whole packets before the refused
     * one go on, then the refusal as an undecodable packet in its place in the order: the
     * session handler closes the connection as for any packet too large (v5: DISCONNECT 0x95),
     * after CONNACK if the CONNECT is still being authenticated.
     */
    private void refuse(ChannelHandlerContext ctx, ByteBuf in, int whole, List<Object> out,
                        DecoderException afterConnect, String beforeConnect) {
        refused = true;
        if (whole > 0) {
            connectSeen = true;
            out.add(in.readRetainedSlice(whole));
        }
        in.skipBytes(in.readableBytes());
        if (connectSeen) {
            out.add(new MqttMessage(null, null, null, DecoderResult.failure(afterConnect)));
        } else {
            LOG.warn("Client {} {}, disconnecting.", Describe.address(ctx.channel()), beforeConnect);
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (refused && msg instanceof ByteBuf buf) {
            buf.release(); // the connection is closing
            return;
        }
        super.channelRead(ctx, msg);
    }

    private static String typeName(int type) {
        try {
            return MqttMessageType.valueOf(type).name();
        } catch (IllegalArgumentException e) {
            return "reserved packet type " + type;
        }
    }
}

package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttMessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges the first packet of a connection by its fixed header, before any of its body is read:
 * it must be a CONNECT (MQTT-3.1.0-1) announcing at most {@link #maxConnectSize} bytes. Anything
 * else closes the connection, so a client that has not authenticated cannot make the broker
 * buffer a body it merely announced (a PUBLISH of 200 MB before CONNECT used to be buffered
 * whole). Removes itself once the CONNECT's fixed header passes: reads then pause while the
 * CONNECT is authenticated, and after that the decoder's limit, the broker's Maximum Packet
 * Size, applies to every packet.
 */
final class FirstPacketLimit extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(FirstPacketLimit.class);

    /**
     * Room for any one CONNECT field at its MQTT maximum of 65,535 bytes (a will payload, a
     * password or token, v5 authentication data) with the others at ordinary sizes. All five
     * fields at their maximum (about 320 KiB) is legal but not worth that much memory per
     * unauthenticated connection.
     */
    static final int MAX_CONNECT_SIZE = 128 * 1024;

    private final int maxRemainingLength;
    private int type = -1;
    private int remainingLength;
    private int lengthBytes;
    private boolean headerComplete;

    FirstPacketLimit(int maxRemainingLength) {
        this.maxRemainingLength = maxRemainingLength;
    }

    /** The largest CONNECT accepted, never more than a packet the broker accepts at all. */
    static int maxConnectSize(BrokerOptions options) {
        return Math.min(MAX_CONNECT_SIZE, ConnectPacket.brokerMaximumPacketSize(options));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String refusal = inspect(buf);
        if (refusal != null) {
            buf.release();
            LOG.warn("Client {} {}, disconnecting.", Describe.address(ctx.channel()), refusal);
            ctx.close();
            return;
        }
        ctx.fireChannelRead(buf);
        if (headerComplete && !ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    /** Reads the fixed header's bytes as they arrive (without consuming them); why to refuse, or null. */
    private String inspect(ByteBuf buf) {
        for (int i = buf.readerIndex(); i < buf.writerIndex() && !headerComplete; i++) {
            int b = buf.getByte(i) & 0xFF;
            if (type < 0) {
                type = b >> 4;
                if (type != MqttMessageType.CONNECT.value()) {
                    return "sent " + typeName(type) + " before CONNECT";
                }
                continue;
            }
            // Remaining Length: up to four bytes of seven bits each, least significant first (§2.2.3).
            remainingLength += (b & 0x7F) << (7 * lengthBytes);
            lengthBytes++;
            if (remainingLength > maxRemainingLength) {
                return "announced a CONNECT of more than " + maxRemainingLength
                        + " bytes, the most accepted before authentication";
            }
            if ((b & 0x80) == 0) {
                headerComplete = true;
            } else if (lengthBytes == 4) {
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

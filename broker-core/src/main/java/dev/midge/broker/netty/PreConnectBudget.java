package dev.midge.broker.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes a WebSocket connection may send before its CONNECT arrives: the HTTP upgrade and
 * the frames carrying the CONNECT. The WebSocket decoder buffers a whole frame before the MQTT
 * bytes in it reach {@link PacketSizeLimit}, and its frame limit must fit the largest PUBLISH
 * after CONNECT, so without this a frame announcing 200 MB before CONNECT was buffered whole.
 * {@link ConnectHandler} lifts it when the CONNECT arrives.
 */
final class PreConnectBudget extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(PreConnectBudget.class);

    /**
     * The HTTP upgrade at the codec's limits besides its headers (request line 4 KiB, a body the
     * aggregator allows up to 64 KiB) and WebSocket frame headers, beyond the CONNECT itself.
     */
    static final int HTTP_AND_FRAMING_BYTES = (4 + 64 + 4) * 1024;

    private final long budget;
    private long left;

    /**
     * @param headersSize the upgrade's header limit (websockets_headers_size, at most 64 KiB), so the
     *                    budget stays at most the CONNECT + 136 KiB (264 KiB with the default CONNECT limit)
     */
    PreConnectBudget(int maxConnectSize, int headersSize) {
        this.budget = (long) maxConnectSize + HTTP_AND_FRAMING_BYTES + headersSize;
        this.left = budget;
    }

    /** The CONNECT has arrived: from here the decoders' limits apply. */
    static void lift(ChannelPipeline pipeline) {
        if (pipeline.get(PreConnectBudget.class) != null) {
            pipeline.remove(PreConnectBudget.class);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            left -= buf.readableBytes();
            if (left < 0) {
                buf.release();
                LOG.warn("Client {} sent more than {} bytes without a CONNECT, disconnecting.",
                        Describe.address(ctx.channel()), budget);
                ctx.close();
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}

package dev.midge.broker.counters;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * First in every connection's pipeline (one shared instance per listener): counts the bytes on the
 * wire, TLS records included (mosquitto's {@code bytes/received|sent}), the sockets accepted, and
 * the connections this listener holds now (for the per-listener gauge).
 */
@ChannelHandler.Sharable
public final class TrafficCounter extends ChannelDuplexHandler {

    private final BrokerCounters counters;
    private final AtomicInteger open = new AtomicInteger();

    public TrafficCounter(BrokerCounters counters) {
        this.counters = counters;
    }

    /** Connections open on this listener now. */
    public int openConnections() {
        return open.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        open.incrementAndGet();
        counters.socketOpened();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        counters.received(size(msg));
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        counters.sent(size(msg));
        super.write(ctx, msg, promise);
    }

    private static int size(Object msg) {
        if (msg instanceof ByteBuf b) {
            return b.readableBytes();
        }
        return msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
    }
}

package dev.midge.broker.counters;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Behind a listener's TLS handler: times the handshake from the accepted socket to its
 * completion event (JSSE's and TLS-PSK's handlers both fire it), counts it, and leaves the pipeline.
 */
public final class HandshakeTimer extends ChannelInboundHandlerAdapter {

    private final BrokerCounters counters;
    private final long startNanos = System.nanoTime();

    public HandshakeTimer(BrokerCounters counters) {
        this.counters = counters;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            counters.handshakeDone(done.isSuccess(), System.nanoTime() - startNanos);
            ctx.pipeline().remove(this);
        }
        super.userEventTriggered(ctx, evt);
    }
}

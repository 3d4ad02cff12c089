package dev.midge.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Notes whether a TLS connection sent anything at all, so that a client that closes before its
 * ClientHello (a port scan, a load balancer's health check) is told apart from one that gave up
 * mid-handshake. Sits in front of the SslHandler and leaves the pipeline at the first byte.
 */
final class ClientHelloWatch extends ChannelInboundHandlerAdapter {

    private volatile boolean received;

    boolean received() {
        return received;
    }

    /** For a handler that read the ClientHello before this watch was put in place. */
    void markReceived() {
        received = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        received = true;
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }
}

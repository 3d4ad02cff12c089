package dev.midge.broker.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * An {@link EmbeddedChannel} that looks like an accepted TCP connection: the handlers read the
 * peer and the local port as {@link InetSocketAddress}es (the authenticator is given them).
 */
final class PeerChannel extends EmbeddedChannel {

    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1883);

    PeerChannel(ByteBufAllocator allocator, ChannelHandler initializer) throws Exception {
        super(false, false, initializer);
        config().setAllocator(allocator);
        register();
    }

    @Override
    protected SocketAddress localAddress0() {
        return LOCAL;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return PEER;
    }
}

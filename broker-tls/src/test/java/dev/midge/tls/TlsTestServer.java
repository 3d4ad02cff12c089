package dev.midge.tls;

import dev.midge.broker.listener.ListenerSecurity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * A tiny TLS server for the tests: installs the listener security's SslHandler and, once the
 * handshake succeeds, answers one line, "OK user=&lt;usernameFor(chain)&gt;", so the client sees
 * both the verdict and the username. No broker needed.
 */
final class TlsTestServer implements AutoCloseable {

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel serverChannel;

    /** A server that closes each connection after its greeting (so openssl s_client -ign_eof exits). */
    TlsTestServer(ListenerSecurity security) throws InterruptedException {
        this(security, false);
    }

    /** @param holdConnections keep connections open after the greeting, to see the listener close them */
    TlsTestServer(ListenerSecurity security, boolean holdConnections) throws InterruptedException {
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(security.newSslHandler(ch), new Greeter(security, holdConnections));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Greeter extends ChannelInboundHandlerAdapter {
        private final ListenerSecurity security;
        private final boolean hold;

        Greeter(ListenerSecurity security, boolean hold) {
            this.security = security;
            this.hold = hold;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                X509Certificate[] chain = null;
                try {
                    var certificates = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
                    chain = Arrays.copyOf(certificates, certificates.length, X509Certificate[].class);
                } catch (SSLPeerUnverifiedException none) {
                    // no client certificate: username stays null
                }
                String line = "OK user=" + security.usernameFor(chain) + "\n";
                var written = ctx.writeAndFlush(Unpooled.copiedBuffer(line, StandardCharsets.UTF_8));
                if (!hold) {
                    written.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The listener security logged the refusal; the broker's pipeline does the same.
            ctx.close();
        }
    }
}

package dev.midge.tls;

import dev.midge.conf.TlsOptions;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.TestPki;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A resumed session comes from the listener's session cache, not from a stateless ticket: the
 * resumed connection holds the very certificate objects of the handshake that made the session,
 * instead of a copy decoded from the ticket for every connection that stays open (#11, memory
 * per idle connection). The real openssl client resumes (-sess_out, then -sess_in).
 */
class ResumedSessionSharingTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private TlsListenerSecurity security;
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final BlockingQueue<Certificate> leaves = new LinkedBlockingQueue<>();
    private int port;

    @BeforeEach
    void start() throws Exception {
        // BoringSSL keeps its own session cache and makes certificate objects per connection either way.
        assumeTrue(TlsProviderUnderTest.get() == TlsOptions.Provider.JDK, "JSSE's session cache only");
        pki = TestPki.create(dir);
        security = TlsListenerSecurity.create(Options.mutualTls(pki).build(), null);
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(security.newSslHandler(ch), new LeafRecorder());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (security != null) {
            security.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void resumedConnectionSharesTheFirstHandshakesCertificate(String version) throws Exception {
        IssuedCertificate dev1 = pki.device("dev1");
        Path session = dir.resolve("dev1.session");
        OpenSsl.Result first = sClient(version, "-cert", dev1.certFile().toString(), "-key", dev1.keyFile().toString(),
                "-sess_out", session.toString());
        assertTrue(first.output().contains("OK"), first.output());
        Certificate firstLeaf = leaves.poll(10, TimeUnit.SECONDS);

        OpenSsl.Result resumed = sClient(version, "-sess_in", session.toString());

        assertTrue(resumed.output().contains("Reused"), resumed.output());
        Certificate resumedLeaf = leaves.poll(10, TimeUnit.SECONDS);
        assertNotNull(firstLeaf);
        assertSame(firstLeaf, resumedLeaf, "the resumed connection decoded the client's certificate again");
    }

    private OpenSsl.Result sClient(String version, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("s_client", "-connect", "127.0.0.1:" + port, version,
                "-ign_eof", "-CAfile", pki.caFile().toString()));
        all.addAll(List.of(args));
        return OpenSsl.run(all.toArray(String[]::new));
    }

    /** Keeps each connection's client certificate as the server's session has it, answers "OK" and closes. */
    private final class LeafRecorder extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                leaves.add(ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates()[0]);
                ctx.writeAndFlush(Unpooled.copiedBuffer("OK\n", StandardCharsets.US_ASCII))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}

package dev.midge.broker.listener;

import dev.midge.broker.security.TlsSecurity;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An embedder's {@link TlsSecurity} seen through the Netty-facing seam. The handshake's
 * delegated tasks run on this listener's own threads, so a slow signature never holds up an
 * event loop; the broker closes it, and with it those threads.
 */
public final class JsseListenerSecurity implements ListenerSecurity, AutoCloseable {

    private final TlsSecurity tls;
    private final ExecutorService handshakeTasks = Executors.newFixedThreadPool(2,
            new DefaultThreadFactory("midge-tls-handshake", true));

    public JsseListenerSecurity(TlsSecurity tls) {
        this.tls = tls;
    }

    @Override
    public SslHandler newSslHandler(Channel channel) {
        InetSocketAddress peer = channel.remoteAddress() instanceof InetSocketAddress a ? a : null;
        return new SslHandler(tls.newServerEngine(peer), false, task -> {
            // Work for a connection that closed while queued is skipped, not done for nobody.
            handshakeTasks.execute(() -> {
                if (channel.isOpen()) {
                    task.run();
                }
            });
        });
    }

    @Override
    public String usernameFor(X509Certificate[] peerChain) {
        return tls.usernameFor(peerChain);
    }

    @Override
    public boolean requiresClientCertificate() {
        return tls.requiresClientCertificate();
    }

    @Override
    public void close() {
        handshakeTasks.shutdownNow();
    }
}

package dev.midge.broker.security;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * TLS for a listener, in JSSE's terms: what an embedder gives
 * {@link dev.midge.broker.ListenerOptions#withTls(TlsSecurity)}. The broker runs the handshake's
 * slow steps (signing, chain validation) on its own threads, never on an event loop.
 *
 * <p>Midge's own TLS module (mosquitto's TLS options, live reload, CRLs) plugs in below this,
 * through the broker's internal seam; use it from the {@code broker-tls} module
 * ({@code TlsListenerSecurity.create(TlsOptions, FileWatcher)}) when you want those.
 */
public interface TlsSecurity {

    /**
     * A new server-mode engine for a connection from {@code peer}. Called on an event loop, so
     * it must not block: build the SSLContext ahead of time.
     */
    SSLEngine newServerEngine(InetSocketAddress peer);

    /**
     * The MQTT username for a client that completed the handshake with this verified chain
     * (leaf first), or null to use the CONNECT username and the authenticator. A non-null
     * result means the certificate authenticated the client.
     */
    default String usernameFor(X509Certificate[] peerChain) {
        return null;
    }

    /** Whether a client without a certificate is refused after the handshake (logged). */
    default boolean requiresClientCertificate() {
        return false;
    }

    /**
     * TLS from a ready SSLContext: the server's key and, with {@code requireClientCertificate},
     * the trust material that checks client certificates.
     */
    static TlsSecurity of(SSLContext context, boolean requireClientCertificate) {
        Objects.requireNonNull(context, "context");
        return new TlsSecurity() {
            @Override
            public SSLEngine newServerEngine(InetSocketAddress peer) {
                SSLEngine engine = peer == null ? context.createSSLEngine()
                        : context.createSSLEngine(peer.getHostString(), peer.getPort());
                engine.setUseClientMode(false);
                engine.setNeedClientAuth(requireClientCertificate);
                return engine;
            }

            @Override
            public boolean requiresClientCertificate() {
                return requireClientCertificate;
            }
        };
    }
}

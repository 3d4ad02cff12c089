package dev.midge.broker.listener;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

import java.security.cert.X509Certificate;

/**
 * How a listener secures its connections. Core knows only this seam; the TLS module builds
 * implementations from the TLS options and keeps their material fresh.
 *
 * <p>Netty-facing, so exported only to Midge's own modules (broker-tls, cli); embedders give a
 * listener {@link dev.midge.broker.security.TlsSecurity} instead, which speaks JSSE. An
 * implementation that is {@link AutoCloseable} is closed by the broker that uses it.
 */
public interface ListenerSecurity {

    /**
     * A new SslHandler for an accepted connection. Called on the channel's event loop, so it
     * must not block: build SslContexts ahead of time and swap them on reload.
     */
    SslHandler newSslHandler(Channel channel);

    /**
     * The MQTT username for a client that completed the handshake with this verified chain
     * (leaf first), or null to use the CONNECT username and the authenticator. A non-null
     * result means the certificate authenticated the client.
     */
    default String usernameFor(X509Certificate[] peerChain) {
        return null;
    }

    /**
     * Whether a client without a certificate must be refused after the handshake. JSSE
     * enforces this itself when client authentication is required; this is the broker's
     * second check and the place to say so in the log.
     */
    default boolean requiresClientCertificate() {
        return false;
    }
}

package dev.midge.broker.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
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
    default SslHandler newSslHandler(Channel channel) {
        throw new UnsupportedOperationException("this listener's TLS is not JSSE's; see newTlsHandler");
    }

    /**
     * The handler that secures a new connection, the pipeline's "tls" stage. JSSE listeners
     * need not override it (it is their SslHandler); a TLS that JSSE lacks (TLS-PSK) gives a
     * handler of its own that passes plaintext bytes on. Called on the event loop: must not block.
     */
    default ChannelHandler newTlsHandler(Channel channel) {
        return newSslHandler(channel);
    }

    /**
     * The MQTT username that the TLS handshake itself established without a certificate (a
     * TLS-PSK identity with use_identity_as_username), or null. Like a certificate username, it
     * authenticates the client and the CONNECT username is ignored. Called on the event loop.
     */
    default String transportUsername(Channel channel) {
        return null;
    }

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

    /**
     * The same for one connection, for a listener whose clients need not all hold certificates
     * (TLS-PSK next to certificates: a PSK client is authenticated by its key). Called on the
     * event loop after the handshake.
     */
    default boolean requiresClientCertificate(Channel channel) {
        return requiresClientCertificate();
    }
}

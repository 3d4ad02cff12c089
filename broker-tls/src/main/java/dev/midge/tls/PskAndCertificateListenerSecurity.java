package dev.midge.tls;

import dev.midge.broker.listener.ListenerSecurity;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.conf.TlsOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

import java.security.cert.X509Certificate;

/**
 * A listener with both certfile and psk_hint, as mosquitto serves it: PSK clients get TLS-PSK,
 * everyone else certificates, chosen per connection from the ClientHello
 * ({@link PskOrCertificateHandler}). As in mosquitto, use_identity_as_username takes the PSK
 * identity of a PSK client and the CN of a certificate client, and require_certificate applies
 * to certificate clients only: a PSK client proved itself with its key.
 *
 * <pre>{@code
 * ListenerSecurity both = PskAndCertificateListenerSecurity.create(listenerConfig.tls(), watcher);
 * }</pre>
 */
public final class PskAndCertificateListenerSecurity implements ListenerSecurity, AutoCloseable {

    private final TlsListenerSecurity certificates;
    private final PskListenerSecurity psk;

    private PskAndCertificateListenerSecurity(TlsListenerSecurity certificates, PskListenerSecurity psk) {
        this.certificates = certificates;
        this.psk = psk;
    }

    /** @throws TlsFileException a certificate, key or psk_file cannot be used (the message names it) */
    public static PskAndCertificateListenerSecurity create(TlsOptions options, FileWatcher watcher)
            throws TlsFileException {
        TlsListenerSecurity certificates = TlsListenerSecurity.create(options, watcher);
        try {
            return new PskAndCertificateListenerSecurity(certificates, PskListenerSecurity.create(options, watcher));
        } catch (TlsFileException | RuntimeException e) {
            certificates.close();
            throw e;
        }
    }

    /** The certificate side, for CRL disconnects and reloads. */
    /** Counts both sides' refused handshakes (and the certificates' revocations) into {@code statistics}. */
    public void reportTo(TlsStatistics statistics) {
        certificates.reportTo(statistics);
        psk.reportTo(statistics);
    }

    public TlsListenerSecurity certificates() {
        return certificates;
    }

    @Override
    public ChannelHandler newTlsHandler(Channel channel) {
        return new PskOrCertificateHandler(new PskOrCertificateHandler.Handlers() {
            @Override
            public ChannelHandler psk() {
                return psk.newTlsHandler(channel);
            }

            @Override
            public ChannelHandler certificate() {
                return certificates.newSslHandler(channel);
            }
        }, psk::knows);
    }

    @Override
    public String transportUsername(Channel channel) {
        return psk.transportUsername(channel);
    }

    @Override
    public String usernameFor(X509Certificate[] peerChain) {
        return certificates.usernameFor(peerChain);
    }

    @Override
    public boolean requiresClientCertificate() {
        return certificates.requiresClientCertificate();
    }

    /** A PSK client authenticated with its key: certificate requirements are not for it (mosquitto). */
    @Override
    public boolean requiresClientCertificate(Channel channel) {
        return channel.pipeline().get(PskTlsHandler.class) == null && certificates.requiresClientCertificate();
    }

    @Override
    public void close() {
        certificates.close();
    }
}

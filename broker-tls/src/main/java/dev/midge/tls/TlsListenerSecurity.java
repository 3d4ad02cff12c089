package dev.midge.tls;

import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.reload.Reloadable;
import dev.midge.broker.listener.ListenerSecurity;
import dev.midge.conf.TlsOptions;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TLS listener's security, built from its mosquitto TLS options: the entry point of this
 * module. It keeps certfile, keyfile, cafile/capath and crlfile live (a change is in force for
 * the next handshake within the watcher's poll interval), logs one line per refused handshake,
 * derives usernames from certificates, and cuts off clients a new CRL revokes.
 *
 * <pre>{@code
 * TlsListenerSecurity tls = TlsListenerSecurity.create(listenerConfig.tls(), watcher);
 * tls.disconnectRevokedWith(broker::disconnectClients);  // once the broker runs
 * }</pre>
 */
public final class TlsListenerSecurity implements ListenerSecurity, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TlsListenerSecurity.class);

    /**
     * Runs JSSE's handshake tasks (signing with the server key, validating client chains, CRL
     * lookups) so that they never hold up an event loop. One pool per listener, shut down by
     * {@link #close()}, which the broker calls on its own close: an embedder's JVM keeps no
     * Midge thread after the broker is gone.
     */
    private final ExecutorService handshakeTasks = Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), runnable -> {
                Thread thread = new Thread(runnable, "midge-tls-handshake");
                thread.setDaemon(true);
                return thread;
            });

    private final TlsOptions options;
    private final Reloadable<TlsMaterial> material;
    private final TlsStatistics.ListenerCounts counts = new TlsStatistics.ListenerCounts();
    private final RevokedConnections connections = new RevokedConnections(counts.revokedDisconnects);
    private final EarlyCloses earlyCloses = new EarlyCloses();
    private final CrlExpiryAlarm crlExpiryAlarm;
    /** midge_ocsp_check, or null when off. */
    private final OcspRevocationCheck ocsp;

    private TlsListenerSecurity(TlsOptions options, Reloadable<TlsMaterial> material, KnownIssuers knownIssuers) {
        this.options = options;
        this.material = material;
        this.ocsp = options.ocspCheck() == TlsOptions.OcspCheck.OFF ? null
                : new OcspRevocationCheck(options.ocspCheck(), () -> material.get().trusted(), knownIssuers,
                        connections::disconnector, java.time.Clock.systemUTC());
        this.crlExpiryAlarm = options.crlfile() == null ? null
                : new CrlExpiryAlarm(() -> material.get().crl(), options.crlExpiredWarnOnly(), Duration.ofMinutes(1));
        material.onChange(next -> {
            connections.sweep(next.crl());
            if (crlExpiryAlarm != null) {
                crlExpiryAlarm.check();
            }
        });
    }

    /**
     * Loads the listener's TLS material and, with a watcher, keeps it live.
     *
     * @param watcher the broker's file watcher, or null for material that never reloads
     * @throws TlsFileException         a file is missing, unreadable or unusable (the message names it)
     * @throws IllegalArgumentException an option value is unusable (e.g. tls_version tlsv1.1)
     */
    public static TlsListenerSecurity create(TlsOptions options, FileWatcher watcher) throws TlsFileException {
        BouncyCastleEcdsa.install();
        BouncyCastleX25519.install();
        if (options.tlsKeylog() != null) {
            LOG.warn("tls_keylog {} is ignored: the JDK's TLS cannot write key material.", options.tlsKeylog());
        }
        if (options.tokenKey() != null) {
            LOG.info("The server key for {} stays in the PKCS#11 token: {}; handshakes are signed by the token.",
                    options.certfile(), options.tokenKey());
        }
        KnownIssuers knownIssuers = new KnownIssuers();
        Reloadable<TlsMaterial> material;
        try {
            material = Reloadable.load("TLS material for " + options.certfile(), watchedFiles(options),
                    () -> TlsMaterial.load(options, knownIssuers));
        } catch (TlsFileException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new TlsFileException(options.certfile(), "cannot build a TLS context: " + e.getMessage());
        }
        // Both named, since run --tls-provider (or its environment variable) can move a listener without a conf line.
        if (options.provider() == TlsOptions.Provider.OPENSSL) {
            LOG.info("TLS handshakes for {} run by {} (midge_tls_provider openssl).", options.certfile(),
                    io.netty.handler.ssl.OpenSsl.versionString());
        } else {
            LOG.info("TLS handshakes for {} run by the JDK's TLS (midge_tls_provider jdk).", options.certfile());
        }
        TlsListenerSecurity security = new TlsListenerSecurity(options, material, knownIssuers);
        if (watcher != null) {
            watcher.watch(material);
        }
        return security;
    }

    private static List<Path> watchedFiles(TlsOptions options) {
        List<Path> files = new ArrayList<>();
        for (Path file : new Path[]{options.certfile(), options.keyfile(), options.cafile(), options.capath(),
                options.crlfile()}) {
            if (file != null) {
                files.add(file);
            }
        }
        return files;
    }

    /**
     * Where a CRL reload sends the clients it revokes: the CLI wires
     * {@code MidgeBroker::disconnectClients} here. Without it, this listener closes their TLS
     * connections itself.
     *
     * @param disconnector e.g. {@code broker::disconnectClients}
     */
    public void disconnectRevokedWith(Disconnector disconnector) {
        connections.disconnectWith(disconnector);
    }

    @Override
    public SslHandler newSslHandler(Channel channel) {
        SslContext context = material.get().sslContext();
        SocketAddress remote = channel.remoteAddress();
        // In a connect storm the queue can grow longer than a client waits: work for a connection
        // that has closed meanwhile is skipped, not done for nobody while live ones wait.
        Executor tasks = task -> handshakeTasks.execute(() -> {
            if (channel.isOpen()) {
                task.run();
            }
        });
        SslHandler handler = remote instanceof InetSocketAddress peer
                ? context.newHandler(channel.alloc(), peer.getHostString(), peer.getPort(), tasks)
                : context.newHandler(channel.alloc(), tasks);
        ClientHelloWatch watch = new ClientHelloWatch();
        // The initializer is building this pipeline and adds the SslHandler next: the watch goes
        // right in front of it (after handlers such as the connection limiter, which close on their own).
        channel.pipeline().addLast("clientHelloWatch", watch);
        handler.handshakeFuture().addListener(done -> {
            if (done.isSuccess()) {
                X509Certificate[] chain = peerChain(handler);
                if (chain.length > 0 && refusedOnRecheck(channel, remote, chain[0])) {
                    return;
                }
                // Only a crlfile can revoke a connection later: without one, keeping every
                // connection in the group would cost memory and a listener per connection for nothing.
                if (chain.length > 0 && options.crlfile() != null) {
                    connections.add(channel, chain[0], material.get().crl());
                }
                if (chain.length > 0) {
                    if (ocsp != null && channel.isOpen()) {
                        ocsp.check(channel, chain);
                    }
                }
            } else if (HandshakeRefusal.isHangUp(done.cause()) && !watch.received()) {
                earlyCloses.closed(describe(remote));
            } else if (HandshakeRefusal.isHangUp(done.cause())) {
                LOG.debug("TLS handshake from {} abandoned: the client closed the connection.", remote);
            } else {
                counts.refused(RefusalReason.of(done.cause()));
                LOG.warn("TLS handshake from {} refused: {}", describe(remote),
                        PeerText.forLog(HandshakeRefusal.describe(done.cause())));
            }
        });
        return handler;
    }

    /**
     * A resumed session is not judged by the trust manager: its certificate is judged here, before
     * the connection's first bytes reach MQTT (this listener runs as the handshake completes, on the
     * event loop, ahead of the data that follows it), and refused with the same line as a full handshake.
     */
    private boolean refusedOnRecheck(Channel channel, SocketAddress remote, X509Certificate leaf) {
        var refusal = SessionRecheck.refusal(leaf, material.get().crl(), options.crlExpiredWarnOnly(),
                java.time.Instant.now());
        if (refusal.isEmpty()) {
            return false;
        }
        LOG.warn("TLS handshake from {} refused: {}", describe(remote),
                PeerText.forLog(HandshakeRefusal.describe(new CertificateRefusal(leaf, refusal.get()))));
        channel.close();
        return true;
    }

    private static String describe(SocketAddress remote) {
        if (remote instanceof java.net.UnixDomainSocketAddress) {
            return "a unix socket client"; // it has no address of its own
        }
        return remote instanceof InetSocketAddress peer ? peer.getHostString() + ":" + peer.getPort() : String.valueOf(remote);
    }

    /** The client's certificate chain, leaf first; empty without a client certificate. */
    private static X509Certificate[] peerChain(SslHandler handler) {
        try {
            Certificate[] chain = handler.engine().getSession().getPeerCertificates();
            List<X509Certificate> x509 = new ArrayList<>();
            for (Certificate c : chain) {
                if (!(c instanceof X509Certificate certificate)) {
                    break;
                }
                x509.add(certificate);
            }
            return x509.toArray(X509Certificate[]::new);
        } catch (SSLPeerUnverifiedException noCertificate) {
            return new X509Certificate[0];
        }
    }

    /** Counts this listener's refusals and revocations into {@code statistics} (with every other listener there). */
    public void reportTo(TlsStatistics statistics) {
        statistics.add(counts, () -> options.crlfile() == null ? null : material.get().crl());
    }

    /** mosquitto's precedence: use_identity_as_username wins over use_subject_as_username. */
    @Override
    public String usernameFor(X509Certificate[] peerChain) {
        if (peerChain == null || peerChain.length == 0) {
            return null;
        }
        if (options.useIdentityAsUsername()) {
            return CertificateUsername.commonName(peerChain[0]);
        }
        if (options.useSubjectAsUsername()) {
            return CertificateUsername.subject(peerChain[0]);
        }
        return null;
    }

    @Override
    public boolean requiresClientCertificate() {
        return options.requireCertificate() || options.useIdentityAsUsername() || options.useSubjectAsUsername();
    }

    /** Re-reads every file now (what SIGHUP does through the watcher); true if the new material is in force. */
    public boolean reload() {
        return material.reload();
    }

    /** Stops this listener's threads (handshake tasks, CRL expiry alarm); the broker calls it on close. */
    @Override
    public void close() {
        handshakeTasks.shutdownNow();
        if (crlExpiryAlarm != null) {
            crlExpiryAlarm.close();
        }
        if (ocsp != null) {
            ocsp.close();
        }
    }
}

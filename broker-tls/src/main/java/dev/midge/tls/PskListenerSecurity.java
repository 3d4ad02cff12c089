package dev.midge.tls;

import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.reload.Reloadable;
import dev.midge.broker.listener.ListenerSecurity;
import dev.midge.conf.TlsOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * A TLS-PSK listener (mosquitto's psk_hint without certfile): clients prove they hold the key
 * the psk_file gives their identity, over BouncyCastle's TLS (JSSE has no PSK). The psk_file is
 * re-read when it changes; with use_identity_as_username the identity is the MQTT username.
 *
 * <pre>{@code
 * ListenerSecurity psk = PskListenerSecurity.create(listenerConfig.tls(), watcher);
 * }</pre>
 */
public final class PskListenerSecurity implements ListenerSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(PskListenerSecurity.class);

    /** Key agreement of PSK handshakes (ECDHE, DHE) runs here, never on an event loop. */
    private static final Executor HANDSHAKE_TASKS = Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), runnable -> {
                Thread thread = new Thread(runnable, "midge-psk-handshake");
                thread.setDaemon(true);
                return thread;
            });

    private final TlsOptions options;
    private final TlsStatistics.ListenerCounts counts = new TlsStatistics.ListenerCounts();
    private final Reloadable<PskFile> keys;
    /** The TLS 1.2 suites offered, restricted by {@code ciphers} (conf refused a list selecting none). */
    private final int[] tls12Suites;
    private final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());

    private PskListenerSecurity(TlsOptions options, Reloadable<PskFile> keys) {
        this.options = options;
        this.keys = keys;
        this.tls12Suites = PskTlsServer.tls12Suites(options.ciphers());
    }

    /**
     * Loads the psk_file and, with a watcher, keeps it live.
     *
     * @param watcher the broker's file watcher, or null for keys that never reload
     * @throws TlsFileException the psk_file is missing or has a bad line (the message names it)
     */
    public static PskListenerSecurity create(TlsOptions options, FileWatcher watcher) throws TlsFileException {
        if (options.pskHint() == null || options.pskFile() == null) {
            throw new IllegalArgumentException("not a TLS-PSK listener: needs psk_hint and psk_file");
        }
        if (options.pskListener() && options.ciphers() != null
                && PskTlsServer.tls12Suites(options.ciphers()).length == 0) {
            throw new IllegalArgumentException("ciphers '" + options.ciphers() + "' selects no TLS-PSK cipher suite");
        }
        if (options.tlsKeylog() != null) {
            LOG.warn("tls_keylog {} is ignored: Midge's TLS cannot write key material.", options.tlsKeylog());
        }
        Reloadable<PskFile> keys;
        try {
            keys = Reloadable.load("psk_file", List.of(options.pskFile()), () -> PskFile.load(options.pskFile()));
        } catch (TlsFileException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new TlsFileException(options.pskFile(), e.getMessage());
        }
        if (watcher != null) {
            watcher.watch(keys);
        }
        return new PskListenerSecurity(options, keys);
    }

    @Override
    public ChannelHandler newTlsHandler(Channel channel) {
        SocketAddress remote = channel.remoteAddress();
        // The psk_file in force when the client names its identity decides, so a reload
        // takes effect with the next handshake.
        PskTlsServer server = new PskTlsServer(crypto, options.pskHint(), identity -> keys.get().key(identity),
                "tlsv1.3".equals(options.tlsVersion()), tls12Suites);
        Executor tasks = task -> HANDSHAKE_TASKS.execute(() -> {
            if (channel.isOpen()) {
                task.run();
            }
        });
        return new PskTlsHandler(server, tasks, new PskTlsHandler.Outcome() {
            @Override
            public void succeeded(PskTlsServer done) {
                LOG.debug("TLS-PSK handshake from {} with identity {}.", describe(remote),
                        PeerText.forLog(done.offeredIdentity()));
            }

            @Override
            public void failed(PskTlsServer done, Throwable cause) {
                if (cause == null) {
                    LOG.debug("TLS-PSK handshake from {} abandoned: the client closed the connection.", describe(remote));
                    return;
                }
                String why = PskRefusal.describe(done, cause);
                counts.refused(RefusalReason.ofPsk(why));
                LOG.warn("TLS-PSK handshake from {} refused: {}", describe(remote), why);
            }
        });
    }

    /** Counts this listener's refused handshakes into {@code statistics}. */
    public void reportTo(TlsStatistics statistics) {
        statistics.add(counts, () -> null);
    }

    private static String describe(SocketAddress remote) {
        return remote instanceof InetSocketAddress peer ? peer.getHostString() + ":" + peer.getPort() : String.valueOf(remote);
    }

    /** mosquitto: with use_identity_as_username the PSK identity is the username, CONNECT's is ignored. */
    @Override
    public String transportUsername(Channel channel) {
        if (!options.useIdentityAsUsername()) {
            return null;
        }
        PskTlsHandler handler = channel.pipeline().get(PskTlsHandler.class);
        return handler == null ? null : handler.identity();
    }

    /** Whether the psk_file in force has a key for this identity (as a TLS 1.3 client offers it). */
    boolean knows(byte[] identity) {
        String text = Asn1Text.strictUtf8(identity);
        return text != null && keys.get().key(text) != null;
    }

    /** Re-reads the psk_file now (what SIGHUP does through the watcher); true if the new keys are in force. */
    public boolean reload() {
        return keys.reload();
    }
}

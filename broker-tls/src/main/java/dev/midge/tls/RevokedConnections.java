package dev.midge.tls;

import dev.midge.broker.security.ClientIdentity;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections that completed a handshake with a client certificate, so that a new CRL can
 * cut off the ones it revokes at once rather than at their next reconnect.
 *
 * <p>With a disconnector wired (the CLI passes {@code MidgeBroker::disconnectClients}), the
 * broker disconnects the clients and cleans up their sessions; without one, this class closes
 * the TLS connections itself. Either way one line per client names CN, serial and reason.
 */
final class RevokedConnections {

    private static final Logger LOG = LoggerFactory.getLogger(RevokedConnections.class);
    static final AttributeKey<X509Certificate> PEER_CERTIFICATE = AttributeKey.valueOf("midge.tls.peerCertificate");

    private final ChannelGroup channels = new DefaultChannelGroup("midge-tls-clients", GlobalEventExecutor.INSTANCE);
    private volatile Disconnector disconnector;
    private final java.util.concurrent.atomic.LongAdder dropped;

    RevokedConnections(java.util.concurrent.atomic.LongAdder dropped) {
        this.dropped = dropped;
    }

    void disconnectWith(Disconnector disconnector) {
        this.disconnector = disconnector;
    }

    /** The wired disconnector, or null: OCSP revocations go the same way. */
    Disconnector disconnector() {
        return disconnector;
    }

    /**
     * Remembers a connection that just completed its handshake, and closes it at once if the
     * CRL in force now revokes it (the CRL may have changed since its handshake began).
     */
    void add(Channel channel, X509Certificate leaf, RevocationList crlNow) {
        channel.attr(PEER_CERTIFICATE).set(leaf);
        channels.add(channel);
        if (crlNow != null && revoked(leaf, crlNow, String.valueOf(channel.remoteAddress()))) {
            dropped.increment();
            channel.close();
        }
    }

    /**
     * After a CRL reload: disconnects every client whose certificate it now revokes. The broker
     * only knows clients whose CONNECT it has accepted; a connection whose handshake completed
     * under the old CRL and whose CONNECT is still on its way is closed here, or it would be let
     * in with a revoked certificate (the soak test found that window).
     */
    void sweep(RevocationList crl) {
        if (crl == null) {
            return;
        }
        Set<SocketAddress> disconnectedByBroker = ConcurrentHashMap.newKeySet();
        Disconnector broker = disconnector;
        if (broker != null) {
            broker.disconnect(client -> {
                boolean revoked = client.peerCertificate() != null
                        && revoked(client.peerCertificate(), crl, client.remoteAddress() + " (client " + client.clientId() + ")");
                if (revoked) {
                    dropped.increment();
                    disconnectedByBroker.add(client.remoteAddress());
                }
                return revoked;
            }, "certificate revoked by " + crl.file());
        }
        for (Channel channel : channels) {
            X509Certificate leaf = channel.attr(PEER_CERTIFICATE).get();
            if (leaf != null && !disconnectedByBroker.contains(channel.remoteAddress())
                    && revoked(leaf, crl, String.valueOf(channel.remoteAddress()))) {
                dropped.increment();
                channel.close();
            }
        }
    }

    private static boolean revoked(X509Certificate leaf, RevocationList crl, String who) {
        Optional<RevocationList.Revocation> revocation = crl.revocationOf(leaf);
        String peer = PeerText.forLog(who);   // carries the client id the client chose
        revocation.ifPresent(r -> {
            if (r.certificate().equals(leaf)) {
                LOG.warn("Disconnecting {}: certificate {} serial {} is revoked ({}) by {}.", peer,
                        CertificateUsername.subject(leaf), HandshakeRefusal.serial(leaf),
                        ClientCertificateVerifier.describe(r.entry()), crl.file());
            } else {
                LOG.warn("Disconnecting {}: certificate {} serial {}: its {} by {}.", peer,
                        CertificateUsername.subject(leaf), HandshakeRefusal.serial(leaf),
                        ClientCertificateVerifier.issuingCaRevoked(r.certificate(), r.entry()), crl.file());
            }
        });
        return revocation.isPresent();
    }
}

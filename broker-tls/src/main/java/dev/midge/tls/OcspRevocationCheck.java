package dev.midge.tls;

import dev.midge.conf.TlsOptions.OcspCheck;
import io.netty.channel.Channel;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1IA5String;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code midge_ocsp_check}: after a client's handshake succeeded, asks the OCSP responder its
 * certificate names (authorityInfoAccess, id-ad-ocsp) and drops the connection if the answer is
 * revoked. The handshake never waits for the network: the client is in while the question is
 * out, and is dropped as soon as the answer (or, fail-closed, the lack of one) arrives. One log
 * line per decision names peer, subject, serial and cause, like the CRL's.
 *
 * <p>fail-open keeps a client whose status cannot be learnt (no responder URL, unreachable,
 * unknown, a bad answer), with a warning; fail-closed drops it.
 */
final class OcspRevocationCheck implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OcspRevocationCheck.class);
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final OcspCheck policy;
    private final Supplier<List<X509Certificate>> trusted;
    private final KnownIssuers knownIssuers;
    private final OcspClient client;
    private final OcspResponseCache cache;
    private final ExecutorService executor;
    private final Supplier<Disconnector> disconnector;

    OcspRevocationCheck(OcspCheck policy, Supplier<List<X509Certificate>> trusted, KnownIssuers knownIssuers,
                        Supplier<Disconnector> disconnector, Clock clock) {
        this.policy = policy;
        this.trusted = trusted;
        this.knownIssuers = knownIssuers;
        this.disconnector = disconnector;
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "midge-ocsp-check");
            t.setDaemon(true);
            return t;
        });
        HttpClient http = HttpClient.newBuilder().executor(executor).connectTimeout(TIMEOUT)
                // Plain HTTP/1.1: an h2c upgrade request is more than small responders (openssl ocsp) understand.
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.client = new OcspClient(http, TIMEOUT, clock);
        this.cache = new OcspResponseCache(clock);
    }

    /** Called on the event loop once the handshake succeeded: only hands the work to the executor. */
    void check(Channel channel, X509Certificate[] peerChain) {
        executor.execute(() -> start(channel, peerChain));
    }

    private void start(Channel channel, X509Certificate[] peerChain) {
        X509Certificate leaf = peerChain[0];
        OcspStatus cached = cache.get(leaf);
        if (cached != null) {
            decide(channel, leaf, cached, "a cached OCSP answer");
            return;
        }
        URI url = responderUrl(leaf);
        if (url == null) {
            unavailable(channel, leaf, "its certificate names no OCSP responder (authorityInfoAccess)", null);
            return;
        }
        X509Certificate issuer = issuerOf(leaf, peerChain);
        if (issuer == null) {
            unavailable(channel, leaf, "its issuer's certificate is not known", url);
            return;
        }
        client.status(leaf, issuer, url).whenCompleteAsync((status, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                unavailable(channel, leaf, "no usable answer from the OCSP responder: " + cause.getMessage(), url);
            } else {
                cache.put(leaf, status);
                decide(channel, leaf, status, "OCSP responder " + url);
            }
        }, executor);
    }

    private void decide(Channel channel, X509Certificate leaf, OcspStatus status, String source) {
        switch (status.state()) {
            case GOOD -> LOG.debug("OCSP: {} serial {} is good ({}).", CertificateUsername.subject(leaf),
                    HandshakeRefusal.serial(leaf), source);
            case REVOKED -> {
                LOG.warn("Disconnecting {}: certificate {} serial {} is revoked ({} on {}) by {}.",
                        PeerText.forLog(String.valueOf(channel.remoteAddress())),
                        PeerText.forLog(CertificateUsername.subject(leaf)), HandshakeRefusal.serial(leaf),
                        status.reason() == null ? "no reason given" : status.reason(), status.revokedAt(),
                        PeerText.forLog(source));
                disconnect(channel, "certificate revoked (OCSP)");
            }
            case UNKNOWN -> unavailable(channel, leaf, source + " does not know the certificate (unknown)", null);
        }
    }

    private void unavailable(Channel channel, X509Certificate leaf, String cause, URI url) {
        String peer = PeerText.forLog(String.valueOf(channel.remoteAddress()));
        String subject = PeerText.forLog(CertificateUsername.subject(leaf));
        String why = PeerText.forLog(url == null ? cause : cause + " (" + url + ")");
        if (policy == OcspCheck.FAIL_CLOSED) {
            LOG.warn("Disconnecting {}: certificate {} serial {}: its revocation status is not known: {}"
                    + " (midge_ocsp_check fail-closed).", peer, subject, HandshakeRefusal.serial(leaf), why);
            disconnect(channel, "certificate status not known (OCSP, fail-closed)");
        } else {
            LOG.warn("Keeping {}: certificate {} serial {}: its revocation status is not known: {}"
                    + " (midge_ocsp_check fail-open).", peer, subject, HandshakeRefusal.serial(leaf), why);
        }
    }

    /** The broker ends the client's session properly; closing the channel covers a CONNECT still on its way. */
    private void disconnect(Channel channel, String reason) {
        Disconnector broker = disconnector.get();
        if (broker != null) {
            broker.disconnect(client -> channel.remoteAddress().equals(client.remoteAddress()), reason);
        }
        channel.close();
    }

    private X509Certificate issuerOf(X509Certificate leaf, X509Certificate[] peerChain) {
        if (peerChain.length > 1 && peerChain[1].getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
            return peerChain[1];
        }
        List<X509Certificate> path = CertificationPath.of(leaf, trusted.get(), knownIssuers);
        return path.size() > 1 ? path.get(1) : null;
    }

    /** The first http(s) id-ad-ocsp location of the certificate's authorityInfoAccess. */
    static URI responderUrl(X509Certificate leaf) {
        byte[] extension = leaf.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (extension == null) {
            return null;
        }
        try {
            AuthorityInformationAccess aia = AuthorityInformationAccess.getInstance(
                    ASN1OctetString.getInstance(extension).getOctets());
            for (AccessDescription d : aia.getAccessDescriptions()) {
                if (d.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
                        && d.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
                    URI uri = URI.create(ASN1IA5String.getInstance(d.getAccessLocation().getName()).getString());
                    if ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) {
                        return uri;
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

package dev.midge.pki.ocsp;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.issue.CaCredentials;
import dev.midge.pki.issue.CertificateIssuer;
import dev.midge.pki.issue.KeyPairs;
import dev.midge.pki.store.AtomicFiles;
import dev.midge.pki.store.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The delegated OCSP responder's certificate and key, kept in the data directory so every
 * broker start (and the CLI) signs with the same one until it nears expiry. Short-lived on
 * purpose: it carries id-pkix-ocsp-nocheck, so nobody checks its revocation, and a stolen
 * responder key is only good until it expires (RFC 6960 4.2.2.2.1).
 */
public final class OcspResponderCertificate {

    private static final Logger LOG = LoggerFactory.getLogger(OcspResponderCertificate.class);

    static final Duration VALIDITY = Duration.ofDays(30);
    /** Renewed when less than this is left, so a client never sees a responder about to expire. */
    static final Duration RENEW_BEFORE = Duration.ofDays(10);

    /** What signs responses. */
    public record Signer(X509Certificate certificate, CaCredentials credentials) {
    }

    private final DataDirectory data;
    private final Clock clock;
    private Signer current;

    public OcspResponderCertificate(DataDirectory data, Clock clock) {
        this.data = data;
        this.clock = clock;
    }

    /** The signer to use now: the stored one, or a new one if none is stored or it expires soon. */
    public synchronized Signer signer() {
        Instant renewAt = clock.instant().plus(RENEW_BEFORE);
        if (current == null) {
            current = load();
        }
        if (current == null || !current.certificate().getNotAfter().toInstant().isAfter(renewAt)
                || !current.certificate().getIssuerX500Principal().equals(
                        data.issuingCaCertificate().getSubjectX500Principal())) {
            current = issue(current);
        }
        return current;
    }

    private Signer load() {
        if (!Files.exists(data.ocspResponderCertificate()) || !Files.exists(data.ocspResponderKey())) {
            return null;
        }
        X509Certificate certificate = Pem.readCertificates(data.ocspResponderCertificate()).get(0);
        return new Signer(certificate, new CaCredentials(certificate, Pem.readPrivateKey(data.ocspResponderKey())));
    }

    private Signer issue(Signer old) {
        KeyPair key = KeyPairs.ec("P-256");
        X509Certificate certificate = CertificateIssuer.ocspResponder(new X500Name("CN=Midge OCSP Responder"),
                key.getPublic(), data.authority().issuing(), VALIDITY);
        try {
            // Key first: a reader that sees the new certificate must find its key.
            AtomicFiles.writeString(data.ocspResponderKey(), Pem.encodePrivateKey(key.getPrivate()), true);
            AtomicFiles.writeString(data.ocspResponderCertificate(), Pem.encode(certificate), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the OCSP responder certificate: " + e.getMessage(), e);
        }
        if (old == null) {
            LOG.info("Issued the OCSP responder certificate {} (valid until {}).", data.ocspResponderCertificate(),
                    certificate.getNotAfter().toInstant());
        } else {
            LOG.info("Renewed the OCSP responder certificate {} (the old one expires at {}).",
                    data.ocspResponderCertificate(), old.certificate().getNotAfter().toInstant());
        }
        return new Signer(certificate, new CaCredentials(certificate, key.getPrivate()));
    }
}

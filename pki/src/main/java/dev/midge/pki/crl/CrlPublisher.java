package dev.midge.pki.crl;

import dev.midge.pki.index.CertificateIndex;
import dev.midge.pki.index.IndexEntry;
import dev.midge.pki.issue.CaCredentials;
import dev.midge.pki.store.AtomicFiles;
import dev.midge.pki.store.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Writes the CRL file the broker watches: the issuing CA's CRL (every certificate it revoked)
 * followed by the root's (empty unless the issuing CA itself were revoked). The root's CRL is
 * there so that verifiers checking the whole chain (openssl -crl_check_all, Java PKIX) find an
 * answer for the issuing CA too. The file is replaced atomically, so the broker never reads
 * half a CRL.
 */
public final class CrlPublisher {

    /** How long a CRL is valid: a day by default; {@link CrlRenewer} re-issues it at half-life. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(1);

    private final Path crlFile;
    private final CertificateIndex index;
    private final CaCredentials root;
    private final CaCredentials issuing;
    private final Duration lifetime;

    public CrlPublisher(Path crlFile, CertificateIndex index, CaCredentials root, CaCredentials issuing, Duration lifetime) {
        this.crlFile = crlFile;
        this.index = index;
        this.root = root;
        this.issuing = issuing;
        this.lifetime = lifetime;
    }

    public Path file() {
        return crlFile;
    }

    /** Writes a fresh CRL file. Under the index lock: the file's CRL numbers only ever grow. */
    public void publish() throws IOException {
        index.exclusively(() -> {
            Instant now = Instant.now();
            List<IndexEntry> revoked = index.entries().stream().filter(e -> e.revokedAt() != null).toList();
            X509CRLHolder issuingCrl = build(issuing, revoked, index.nextCrlNumber(), now);
            X509CRLHolder rootCrl = build(root, List.of(), index.nextCrlNumber(), now);
            AtomicFiles.writeString(crlFile, Pem.encode(issuingCrl, rootCrl), false);
            return null;
        });
    }

    private X509CRLHolder build(CaCredentials ca, List<IndexEntry> revoked, BigInteger number, Instant now) {
        try {
            X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
            X509v2CRLBuilder builder = new X509v2CRLBuilder(issuer, Date.from(now));
            builder.setNextUpdate(Date.from(now.plus(lifetime)));
            for (IndexEntry e : revoked) {
                builder.addCRLEntry(e.serial(), Date.from(e.revokedAt()), e.reason().code());
            }
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
            String algorithm = ca.key().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA384withECDSA";
            return builder.build(ca.signer(algorithm));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot sign the CRL of " + ca.certificate().getSubjectX500Principal(), e);
        }
    }
}

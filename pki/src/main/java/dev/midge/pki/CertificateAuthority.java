package dev.midge.pki;

import dev.midge.pki.crl.CrlPublisher;
import dev.midge.pki.crl.RevocationReason;
import dev.midge.pki.index.CertificateIndex;
import dev.midge.pki.index.IndexEntry;
import dev.midge.pki.issue.CaCredentials;
import dev.midge.pki.issue.CertificateIssuer;
import dev.midge.pki.issue.SerialNumbers;
import dev.midge.pki.profile.CertificateProfile;
import dev.midge.pki.profile.CertificationRequestCheck;
import dev.midge.pki.store.AtomicFiles;
import dev.midge.pki.store.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The issuing CA of a data directory: issues certificates under a profile, revokes them, and
 * publishes the CRL. Every issue and revoke is one locked read-modify-write of the index, so
 * the CLI and the running broker can both use it.
 */
public final class CertificateAuthority {

    private final DataDirectory data;
    private final CaCredentials root;
    private final CaCredentials issuing;
    private final CertificateIndex index;

    CertificateAuthority(DataDirectory data, CaCredentials root, CaCredentials issuing) {
        this.data = data;
        this.root = root;
        this.issuing = issuing;
        this.index = data.index();
    }

    /** The chain a client needs to verify the server and the broker uses to verify clients. */
    public List<X509Certificate> chain() {
        return List.of(issuing.certificate(), root.certificate());
    }

    public CrlPublisher crlPublisher() {
        return data.newCrlPublisher(index, root, issuing);
    }

    /** Issues a certificate with subject CN={@code commonName} for a key the CA has checked or made. */
    public IssuedCertificate issue(String commonName, SubjectPublicKeyInfo key, GeneralNames sans, String profileName) {
        return issue(commonName, key, sans, data.profile(profileName));
    }

    /** As above, under a profile already loaded (perhaps narrowed with {@link CertificateProfile#withValidityDays}). */
    public IssuedCertificate issue(String commonName, SubjectPublicKeyInfo key, GeneralNames sans,
                                   CertificateProfile profile) {
        checkCommonName(commonName);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        return index.update(entries -> {
            BigInteger serial = uniqueSerial(entries);
            X509Certificate certificate = CertificateIssuer.endEntity(serial, subject, key, sans, profile, issuing);
            IndexEntry entry = new IndexEntry(serial, subject.toString(), certificate.getNotAfter().toInstant(),
                    null, null, profile.name());
            try {
                AtomicFiles.writeString(certificateFile(serial), Pem.encode(certificate), false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store the certificate: " + e.getMessage(), e);
            }
            entries.add(entry);
            return new IssuedCertificate(certificate, entry);
        });
    }

    public CertificateProfile profile(String name) {
        return data.profile(name);
    }

    /** Checks a PKCS#10 request against the profile, then issues it; refuses with the reason. */
    public IssuedCertificate signRequest(String commonName, PKCS10CertificationRequest csr, String profileName) {
        return signRequest(commonName, csr, data.profile(profileName));
    }

    public IssuedCertificate signRequest(String commonName, PKCS10CertificationRequest csr, CertificateProfile profile) {
        GeneralNames sans = CertificationRequestCheck.check(csr, commonName, profile);
        return issue(commonName, csr.getSubjectPublicKeyInfo(), sans, profile);
    }

    /** As {@link #signRequest}, under the end entity's subject whatever the CSR's says (as EJBCA does). */
    public IssuedCertificate signRequestAsEndEntity(String commonName, PKCS10CertificationRequest csr,
                                                    CertificateProfile profile) {
        GeneralNames sans = CertificationRequestCheck.checkIgnoringSubject(csr, commonName, profile);
        return issue(commonName, csr.getSubjectPublicKeyInfo(), sans, profile);
    }

    /**
     * Revokes every valid certificate with this CN and publishes the CRL; returns what it revoked.
     * The index is written first and the CRL is then built from it, so a revoke killed between
     * the two is finished by calling it again: if the CN has revoked certificates, the CRL is
     * written again even when there is nothing left to revoke (see {@link #revokedCertificates}).
     */
    public List<IndexEntry> revoke(String commonName, RevocationReason reason) throws IOException {
        Instant now = Instant.now();
        List<IndexEntry> revoked = index.update(entries -> {
            List<IndexEntry> done = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                IndexEntry e = entries.get(i);
                if (e.commonName().equals(commonName) && e.isValid(now)) {
                    entries.set(i, e.revoked(now, reason));
                    done.add(entries.get(i));
                }
            }
            return done;
        });
        if (!revoked.isEmpty() || !revokedCertificates(commonName).isEmpty()) {
            crlPublisher().publish();
        }
        return revoked;
    }

    /** The certificates with this CN the index says are revoked. */
    public List<IndexEntry> revokedCertificates(String commonName) {
        return index.entries().stream()
                .filter(e -> e.revokedAt() != null && e.commonName().equals(commonName)).toList();
    }

    /**
     * Revokes one certificate by serial and publishes the CRL. One already revoked is refused,
     * but the CRL is written again first, in case an earlier revoke was killed before it.
     */
    public IndexEntry revoke(BigInteger serial, RevocationReason reason) throws IOException {
        Instant now = Instant.now();
        IndexEntry revoked = index.update(entries -> {
            for (int i = 0; i < entries.size(); i++) {
                IndexEntry e = entries.get(i);
                if (e.serial().equals(serial)) {
                    if (e.revokedAt() != null) {
                        return null;
                    }
                    entries.set(i, e.revoked(now, reason));
                    return entries.get(i);
                }
            }
            throw new PkiException("no certificate with serial " + serial.toString(16).toUpperCase(Locale.ROOT));
        });
        crlPublisher().publish();
        if (revoked == null) {
            throw new PkiException("certificate " + serial.toString(16).toUpperCase(Locale.ROOT)
                    + " is already revoked (the CRL was written again from the index)");
        }
        return revoked;
    }

    /** The stored certificate with this serial. */
    public X509Certificate certificate(BigInteger serial) {
        return storedCertificate(data, serial);
    }

    static X509Certificate storedCertificate(DataDirectory data, BigInteger serial) {
        Path file = data.certificatesDirectory().resolve(serial.toString(16).toUpperCase(Locale.ROOT) + ".pem");
        if (!Files.exists(file)) {
            throw new PkiException("no certificate with serial " + serial.toString(16).toUpperCase(Locale.ROOT)
                    + " in " + data.certificatesDirectory());
        }
        return Pem.readCertificates(file).get(0);
    }

    private Path certificateFile(BigInteger serial) {
        return data.certificatesDirectory().resolve(serial.toString(16).toUpperCase(Locale.ROOT) + ".pem");
    }

    private static BigInteger uniqueSerial(List<IndexEntry> entries) {
        while (true) {
            BigInteger serial = SerialNumbers.next();
            if (entries.stream().noneMatch(e -> e.serial().equals(serial))) {
                return serial;
            }
        }
    }

    /** Names become MQTT usernames and file names: keep them to what is safe in both. */
    public static void checkCommonName(String commonName) {
        if (commonName == null || !commonName.matches("[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}")) {
            throw new PkiException("'" + commonName + "' is not a valid name: use 1 to 64 letters, digits"
                    + " and . _ : @ - (starting with a letter or digit)");
        }
    }
}

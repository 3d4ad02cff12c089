package dev.midge.cli.soak;

import dev.midge.pki.CertificateAuthority;
import dev.midge.pki.DataDirectory;
import dev.midge.pki.IssuedCertificate;
import dev.midge.pki.crl.RevocationReason;
import dev.midge.pki.index.IndexEntry;
import dev.midge.pki.issue.KeyPairs;
import dev.midge.testing.JsseMaterial;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The broker's own CA (the secure default's data directory), used as {@code device add},
 * {@code device revoke} and a renewal use it: every revocation writes a real CRL that the
 * running broker picks up from disk.
 */
final class SoakPki {

    /** One certificate of a device, as the device's TLS client presents it. */
    record DeviceCredentials(String commonName, BigInteger serial, KeyManagerFactory keyManagers) {
    }

    private final DataDirectory data;
    private final CertificateAuthority ca;
    private final TrustManagerFactory trust;

    private SoakPki(DataDirectory data) throws GeneralSecurityException, IOException {
        this.data = data;
        this.ca = data.authority();
        this.trust = JsseMaterial.trustManagers(ca.chain().toArray(X509Certificate[]::new));
    }

    /** Creates the data directory as the secure default does (CA, server certificate, ACL, CRL). */
    static SoakPki create(Path dir, int port) throws GeneralSecurityException, IOException {
        DataDirectory.openOrInitialize(dir, port);
        return new SoakPki(DataDirectory.open(dir));
    }

    DataDirectory data() {
        return data;
    }

    TrustManagerFactory trust() {
        return trust;
    }

    /** A new key and certificate for the device, as {@code device add} issues them (EC P-256, profile "device"). */
    DeviceCredentials issue(String commonName) throws GeneralSecurityException, IOException {
        KeyPair key = KeyPairs.ec("P-256");
        IssuedCertificate issued = ca.issue(commonName,
                SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()), null, "device");
        KeyManagerFactory keyManagers = JsseMaterial.keyManagers(key.getPrivate(), issued.certificate(), ca.chain().get(0));
        return new DeviceCredentials(commonName, issued.certificate().getSerialNumber(), keyManagers);
    }

    /** What {@code device revoke ID} does: revokes every valid certificate of the device and writes the CRL. */
    List<BigInteger> revoke(String commonName) throws IOException {
        return ca.revoke(commonName, RevocationReason.keyCompromise).stream().map(IndexEntry::serial).toList();
    }
}

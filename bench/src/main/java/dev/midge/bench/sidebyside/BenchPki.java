package dev.midge.bench.sidebyside;

import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.JsseMaterial;
import dev.midge.testing.TestPki;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;

/**
 * The one set of certificates both brokers use: a CA, an RSA-2048 and an EC P-256 server
 * certificate for 127.0.0.1, and one device certificate (EC P-256, CN {@value #DEVICE}) every
 * benchmark client presents.
 */
final class BenchPki {

    static final String DEVICE = "bench-device";

    private final TestPki pki;
    private final IssuedCertificate device;
    private final java.util.Map<String, IssuedCertificate> issued = new java.util.HashMap<>();

    BenchPki(Path dir) {
        this.pki = TestPki.create(dir);
        this.device = pki.device(DEVICE);
    }

    Path caFile() {
        return pki.caFile();
    }

    java.security.cert.X509Certificate caCertificate() {
        return pki.caCertificate();
    }

    /** The server certificate with the given key type. */
    IssuedCertificate server(ServerKey key) {
        return key == ServerKey.RSA_2048 ? pki.server() : pki.ecServer();
    }

    /** A client context that presents the device certificate and trusts only our CA. */
    SSLContext clientContext() {
        return contextFor(device);
    }

    /** Device (or backend) certificate with CN {@code cn}, issued once and kept in the work dir. */
    synchronized IssuedCertificate client(String cn) {
        return issued.computeIfAbsent(cn, pki::device);
    }

    /** A client context that presents the given certificate and trusts only our CA. */
    SSLContext contextFor(IssuedCertificate certificate) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(JsseMaterial.keyManagers(certificate.privateKey(), certificate.certificate()).getKeyManagers(),
                    JsseMaterial.trustManagers(pki.caCertificate()).getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the client TLS context", e);
        }
    }

    enum ServerKey {
        RSA_2048("RSA-2048"), EC_P256("EC P-256");

        final String label;

        ServerKey(String label) {
            this.label = label;
        }
    }
}

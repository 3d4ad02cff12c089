package dev.midge.bench.sidebyside;

import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.TestPki;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;

/**
 * The one set of certificates both brokers use: a CA, an RSA-2048 and an EC P-256 server
 * certificate for 127.0.0.1, and one device certificate (EC P-256, CN {@value #DEVICE}) every
 * benchmark client presents.
 */
final class BenchPki {

    static final String DEVICE = "bench-device";

    private final TestPki pki;
    private final IssuedCertificate device;

    BenchPki(Path dir) {
        this.pki = TestPki.create(dir);
        this.device = pki.device(DEVICE);
    }

    Path caFile() {
        return pki.caFile();
    }

    /** The server certificate with the given key type. */
    IssuedCertificate server(ServerKey key) {
        return key == ServerKey.RSA_2048 ? pki.server() : pki.ecServer();
    }

    /** A client context that presents the device certificate and trusts only our CA. */
    SSLContext clientContext() {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] password = "bench".toCharArray();
            keys.setKeyEntry("device", device.privateKey(), password, new Certificate[]{device.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);

            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", pki.caCertificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);

            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
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

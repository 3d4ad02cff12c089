package dev.midge.tls;

import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A device reconnecting with the same chain is not path-built again by the JDK's PKIX check
 * (counted around the real one); a chain PKIX refused is never remembered.
 */
class ValidatedChainsTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private final AtomicInteger pkixRuns = new AtomicInteger();
    private ClientCertificateVerifier verifier;

    @BeforeEach
    void verifier() throws Exception {
        pki = TestPki.create(dir);
        pki.writeCrl();
        KnownIssuers issuers = new KnownIssuers();
        List<X509Certificate> trusted = List.of(pki.caCertificate());
        verifier = new ClientCertificateVerifier(counting(jdkPkix(trusted)), trusted,
                RevocationList.load(pki.crlFile(), trusted, issuers), false, true, issuers);
    }

    @Test
    void sameChainIsPathValidatedOnce() throws Exception {
        IssuedCertificate dev1 = pki.device("dev1");
        for (int i = 0; i < 3; i++) {
            verifier.checkClientTrusted(new X509Certificate[]{dev1.certificate()}, "EC", (SSLEngine) null);
        }
        assertEquals(1, pkixRuns.get());

        verifier.checkClientTrusted(new X509Certificate[]{pki.device("dev2").certificate()}, "EC", (SSLEngine) null);
        assertEquals(2, pkixRuns.get(), "another chain is validated on its own");
    }

    @Test
    void aChainPkixRefusedIsCheckedAgainEveryTime() {
        X509Certificate intruder = pki.foreignDevice("intruder").certificate();
        for (int i = 0; i < 2; i++) {
            CertificateRefusal refusal = assertThrows(CertificateRefusal.class, () -> verifier.checkClientTrusted(
                    new X509Certificate[]{intruder}, "EC", (SSLEngine) null));
            assertTrue(refusal.getMessage().startsWith("unknown CA"), refusal.getMessage());
        }
        assertEquals(2, pkixRuns.get());
    }

    private static X509ExtendedTrustManager jdkPkix(List<X509Certificate> trusted) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < trusted.size(); i++) {
            store.setCertificateEntry("ca-" + i, trusted.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return (X509ExtendedTrustManager) factory.getTrustManagers()[0];
    }

    private X509ExtendedTrustManager counting(X509ExtendedTrustManager pkix) {
        return new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                pkixRuns.incrementAndGet();
                pkix.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                pkixRuns.incrementAndGet();
                pkix.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                pkixRuns.incrementAndGet();
                pkix.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException();
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return pkix.getAcceptedIssuers();
            }
        };
    }
}

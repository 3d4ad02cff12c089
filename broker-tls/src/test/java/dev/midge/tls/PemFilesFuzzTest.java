package dev.midge.tls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as a certfile/cafile, keyfile or crlfile (PEM certificates, PKCS#1, PKCS#8 and
 * SEC1 keys, CRLs) load, or fail with a {@link TlsFileException} naming the file; no unchecked
 * exception escapes. What the broker then reads from them (the certificate's CN and subject as
 * username, a CRL checked against the CAs beside it) must not throw either.
 * Regression inputs: {@code src/test/resources/dev/midge/tls/PemFilesFuzzTestInputs/}.
 */
class PemFilesFuzzTest {

    private static Path file;

    @BeforeAll
    static void createFile() throws IOException {
        file = Files.createTempFile("midge-pem-fuzz", ".pem");
    }

    @AfterAll
    static void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @FuzzTest
    @Timeout(10)
    void loadsOrFailsNamingTheFile(byte[] pem) throws IOException {
        Files.write(file, pem);
        List<X509Certificate> certificates = List.of();
        try {
            certificates = PemFiles.certificates(file);
            for (X509Certificate certificate : certificates) {
                CertificateUsername.commonName(certificate);
                assertNotNull(CertificateUsername.subject(certificate));
            }
        } catch (TlsFileException e) {
            assertNamesTheFile(e);
        }
        try {
            PrivateKey key = PemFiles.privateKey(file);
            assertNotNull(key.getAlgorithm());
        } catch (TlsFileException e) {
            assertNamesTheFile(e);
        }
        try {
            RevocationList crl = RevocationList.load(file, certificates, new KnownIssuers());
            for (X509Certificate certificate : certificates) {
                crl.crlFor(certificate);
                crl.revocationOf(certificate);
            }
            crl.expiredAt(java.time.Instant.now());
        } catch (TlsFileException e) {
            assertNamesTheFile(e);
        }
    }

    private static void assertNamesTheFile(TlsFileException e) {
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().length() > file.toString().length() + 2,
                e.getMessage());
    }
}

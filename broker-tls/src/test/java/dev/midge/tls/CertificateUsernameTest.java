package dev.midge.tls;

import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * use_subject_as_username must produce, byte for byte, what mosquitto produces (OpenSSL's
 * RFC 2253 printing), or existing ACL files stop matching. The real openssl is the oracle.
 */
class CertificateUsernameTest {

    @TempDir
    static Path dir;
    static TestPki pki;

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CN=dev1,O=Acme,C=GB",
            "CN=dev1,OU=Sensors,OU=Floor 2,L=Leeds,ST=West Yorkshire,O=Acme,C=GB",
            "CN=Jos\u00e9 M\u00fcller,O=Caf\u00e9",
            "CN=a\\,b\\+c\\;d\\<e\\>f\\\"g\\\\h,O=Specials",
            "CN=\\#hash\\ ,O=\\ leading space",
            "CN=dev2+UID=42,O=Multi",
            "CN=dev3,DC=example,DC=com",
            "CN=dev4,1.2.840.113549.1.9.1=#1611646576344061636d652e6578616d706c65,O=Acme",
            "CN=dev5,2.5.4.5=#130431323334,O=Acme",
            "CN=dev6,1.3.6.1.4.1.99999.1=#0c0476616c75,O=Unknown Attribute",
    })
    void subjectMatchesOpenSslRfc2253(String subject) {
        IssuedCertificate device = pki.deviceWithSubject(subject, "subject-" + Integer.toHexString(subject.hashCode()));
        assertEquals(OpenSsl.subjectRfc2253(device.certFile()), CertificateUsername.subject(device.certificate()));
    }

    @Test
    void identityIsTheCommonName() {
        assertEquals("dev7", CertificateUsername.commonName(pki.device("dev7").certificate()));
    }

    @Test
    void noCommonNameMeansNoIdentity() {
        assertNull(CertificateUsername.commonName(pki.deviceWithSubject("OU=Nobody,O=Acme", "no-cn").certificate()));
    }
}

package dev.midge.pki.enrollment;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.midge.pki.PkiException;
import dev.midge.pki.issue.CaCredentials;
import dev.midge.pki.issue.CertificateIssuer;
import dev.midge.pki.issue.KeyPairs;
import dev.midge.pki.profile.CertificateProfile;
import dev.midge.pki.profile.CertificateProfileParser;
import dev.midge.pki.profile.CertificationRequestCheck;
import dev.midge.pki.profile.DefaultProfiles;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Any bytes as a certificate signing request, DER (as EST posts it) or text (PEM or base64, as
 * the EJBCA-style endpoint takes it), end in a certificate under the device profile or in a
 * refusal the enrollment endpoints answer with 400: an IOException when the request cannot be
 * read, a {@link PkiException} saying why the profile refuses it. Nothing else escapes.
 * Regression inputs:
 * {@code src/test/resources/dev/midge/pki/enrollment/CertificationRequestFuzzTestInputs/}.
 */
class CertificationRequestFuzzTest {

    private static final String COMMON_NAME = "dev1";
    private static Path profiles;
    private static CertificateProfile device;
    private static CaCredentials ca;

    @BeforeAll
    static void createProfileAndCa() throws IOException {
        profiles = Files.createTempDirectory("midge-csr-fuzz");
        DefaultProfiles.writeMissing(profiles);
        device = CertificateProfileParser.parse(DefaultProfiles.file(profiles, DefaultProfiles.DEVICE));
        KeyPair key = KeyPairs.ec("P-256");
        ca = new CaCredentials(CertificateIssuer.selfSignedRoot(new X500Name("CN=Fuzz CA"), key, Duration.ofDays(1)),
                key.getPrivate());
    }

    @AfterAll
    static void deleteProfiles() throws IOException {
        try (Stream<Path> paths = Files.walk(profiles)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest
    @Timeout(10)
    void signsOrRefusesWithTheReason(byte[] input) {
        PKCS10CertificationRequest csr;
        try {
            csr = parse(input);
        } catch (IOException unreadable) {
            assertFalse(String.valueOf(unreadable.getMessage()).isBlank());
            return;
        }
        GeneralNames sans;
        try {
            sans = CertificationRequestCheck.check(csr, COMMON_NAME, device);
        } catch (PkiException refused) {
            assertFalse(refused.getMessage().isBlank());
            return;
        }
        X509Certificate certificate = CertificateIssuer.endEntity(BigInteger.TWO, new X500Name("CN=" + COMMON_NAME),
                csr.getSubjectPublicKeyInfo(), sans, device, ca);
        assertEquals(ca.certificate().getSubjectX500Principal(), certificate.getIssuerX500Principal());
    }

    /** DER if it starts as a DER SEQUENCE does, else text. */
    private static PKCS10CertificationRequest parse(byte[] input) throws IOException {
        if (input.length > 0 && input[0] == 0x30) {
            return CertificationRequests.fromDer(input);
        }
        return CertificationRequests.fromText(new String(input, StandardCharsets.US_ASCII));
    }
}

package dev.midge.pki.enrollment;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.IssuedCertificate;
import dev.midge.pki.PkiException;
import dev.midge.pki.issue.KeyPairs;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EnrollmentRegistryTest {

    @TempDir
    static Path temp;
    static DataDirectory data;

    @BeforeAll
    static void createDataDirectory() {
        DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
        data = DataDirectory.open(temp.resolve("data"));
    }

    @Test
    void secretIssuesOneCertificateAndIsDeadAfterwards() throws Exception {
        EnrollmentRegistry registry = data.enrollments();
        String secret = registry.register("enrollee", "device", EnrollmentRegistry.DEFAULT_VALIDITY);

        IssuedCertificate issued = registry.redeem("enrollee", secret, csr("enrollee"), data.authority());

        assertEquals("CN=enrollee", issued.certificate().getSubjectX500Principal().getName());
        assertEquals(EndEntity.Status.GENERATED, registry.find("enrollee").orElseThrow().status());
        PkiException again = assertThrows(PkiException.class,
                () -> registry.redeem("enrollee", secret, csr("enrollee"), data.authority()));
        assertEquals("the enrollment secret of enrollee was already used", again.getMessage());
    }

    @Test
    void expiredSecretIsRefused() throws Exception {
        EnrollmentRegistry registry = data.enrollments();
        String secret = registry.register("late", "device", Duration.ofSeconds(-1));
        PkiException e = assertThrows(PkiException.class,
                () -> registry.redeem("late", secret, csr("late"), data.authority()));
        assertEquals(true, e.getMessage().startsWith("the enrollment secret of late expired at "), e.getMessage());
    }

    @Test
    void wrongSecretIsRefusedAndTheRightOneStillWorks() throws Exception {
        EnrollmentRegistry registry = data.enrollments();
        String secret = registry.register("careful", "device", EnrollmentRegistry.DEFAULT_VALIDITY);
        PkiException e = assertThrows(PkiException.class,
                () -> registry.redeem("careful", "guess", csr("careful"), data.authority()));
        assertEquals("wrong enrollment secret for careful", e.getMessage());
        registry.redeem("careful", secret, csr("careful"), data.authority());
    }

    @Test
    void onlyAHashOfTheSecretIsStored() throws Exception {
        String secret = data.enrollments().register("hashed", "device", EnrollmentRegistry.DEFAULT_VALIDITY);
        String stored = Files.readString(temp.resolve("data/end-entities.txt"));
        assertFalse(stored.contains(secret));
        assertEquals(true, stored.contains(EnrollmentRegistry.hash(secret)));
    }

    private static PKCS10CertificationRequest csr(String cn) throws Exception {
        KeyPair key = KeyPairs.ec("P-256");
        return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
    }
}

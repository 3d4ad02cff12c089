package dev.midge.pki.crl;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import dev.midge.pki.store.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrlRenewerTest {

    @TempDir
    static Path temp;
    static SecureDefault setup;

    @BeforeAll
    static void createDataDirectory() {
        setup = DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
    }

    @Test
    void freshCrlIsLeftAlone() throws Exception {
        String before = Files.readString(setup.crlFile());
        assertFalse(DataDirectory.crlRenewer(setup.dataDirectory()).renewIfDue(Instant.now()));
        assertTrue(before.equals(Files.readString(setup.crlFile())));
    }

    @Test
    void crlPastHalfItsLifetimeIsReissuedWithALaterNextUpdate() throws Exception {
        X509CRL before = Pem.readCrls(setup.crlFile()).get(0);
        Instant thirteenHoursLater = before.getThisUpdate().toInstant().plus(Duration.ofHours(13));

        assertTrue(DataDirectory.crlRenewer(setup.dataDirectory()).renewIfDue(thirteenHoursLater));

        X509CRL after = Pem.readCrls(setup.crlFile()).get(0);
        assertTrue(after.getNextUpdate().after(before.getNextUpdate()) || after.getNextUpdate().equals(before.getNextUpdate()));
        assertNotEquals(before, after);
    }

    @Test
    void missingCrlIsIssued() throws Exception {
        Path copy = temp.resolve("data");
        Files.delete(setup.crlFile());
        assertTrue(DataDirectory.crlRenewer(copy).renewIfDue());
        assertTrue(Pem.readCrls(setup.crlFile()).size() == 2);
    }
}

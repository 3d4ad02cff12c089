package dev.midge.pki.enrollment;

import dev.midge.testing.LogCapture;
import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Guessing enrollment secrets over the real endpoints: limited per address and per device ID, logged in bounded lines. */
class EnrollmentLockoutTest {

    private static final EnrollmentLockout.Policy POLICY = new EnrollmentLockout.Policy(5, 20, Duration.ofMinutes(5), 1000);

    @TempDir
    static Path temp;
    static SecureDefault setup;
    static DataDirectory data;

    @BeforeAll
    static void createDataDirectory() {
        setup = DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
        data = DataDirectory.open(setup.dataDirectory());
    }

    @Test
    void aBurstOfWrongSecretsIsAnswered429AfterFiveAndLoggedInTwoLines() throws Exception {
        String secret = data.enrollments().register("guessed", "device", EnrollmentRegistry.DEFAULT_VALIDITY);
        byte[] csr = TestCsrs.der(temp, "guessed");
        MutableClock clock = new MutableClock();
        try (LogCapture refusals = LogCapture.of(Enrollment.class);
             LogCapture lockouts = LogCapture.of(EnrollmentLockout.class);
             EnrollmentServer server = start(clock)) {
            EnrollmentClient client = new EnrollmentClient(setup.caChain(), server.port());

            List<Integer> statuses = new ArrayList<>();
            EnrollmentClient.Response last = null;
            for (int i = 0; i < 30; i++) {
                last = client.sign("127.0.0.1", "guessed", "guess-" + i, csr);
                statuses.add(last.status());
            }

            List<Integer> expected = new ArrayList<>(Collections.nCopies(5, 401));
            expected.addAll(Collections.nCopies(25, 429));
            assertEquals(expected, statuses);
            assertTrue(last.head().contains("Retry-After: 300"), last.head());
            assertEquals(1, refusals.messages().size(), refusals.messages().toString());
            assertTrue(refusals.messages().get(0).startsWith("Refused enrollment of guessed from /127.0.0.1:"),
                    refusals.messages().toString());
            assertEquals(1, lockouts.messages().size(), lockouts.messages().toString());
            assertTrue(lockouts.messages().get(0).startsWith("Locked out enrollment for address 127.0.0.1 until"),
                    lockouts.messages().toString());

            // The device itself, from another address, is not locked out by whoever guessed.
            assertEquals(200, client.sign("127.0.0.2", "guessed", secret, csr).status());
        }
    }

    @Test
    void aLockedOutAddressMayEnrolOnceTheWindowHasPassed() throws Exception {
        String secret = data.enrollments().register("patient", "device", EnrollmentRegistry.DEFAULT_VALIDITY);
        byte[] csr = TestCsrs.der(temp, "patient");
        MutableClock clock = new MutableClock();
        try (LogCapture lockouts = LogCapture.of(EnrollmentLockout.class);
             EnrollmentServer server = start(clock)) {
            EnrollmentClient client = new EnrollmentClient(setup.caChain(), server.port());
            for (int i = 0; i < 5; i++) {
                assertEquals(401, client.simpleEnroll("127.0.0.3", "patient", "typo-" + i, csr).status());
            }
            assertEquals(429, client.simpleEnroll("127.0.0.3", "patient", secret, csr).status(),
                    "locked out: even the right secret waits");

            clock.advance(Duration.ofMinutes(5));

            assertEquals(200, client.simpleEnroll("127.0.0.3", "patient", secret, csr).status());
            assertTrue(lockouts.messages().contains("Refused 1 enrollment attempts for address 127.0.0.3 while it was"
                    + " locked out (until 2026-01-01T00:05:00Z)"), lockouts.messages().toString());
        }
    }

    @Test
    void guessesForOneDeviceFromManyAddressesLockOutThatDevice() throws Exception {
        String secret = data.enrollments().register("popular", "device", EnrollmentRegistry.DEFAULT_VALIDITY);
        byte[] csr = TestCsrs.der(temp, "popular");
        try (EnrollmentServer server = start(new MutableClock())) {
            EnrollmentClient client = new EnrollmentClient(setup.caChain(), server.port());
            for (int address = 10; address < 15; address++) {
                for (int i = 0; i < 4; i++) {
                    assertEquals(401, client.sign("127.0.0." + address, "popular", "guess", csr).status());
                }
            }
            assertEquals(429, client.sign("127.0.0.20", "popular", secret, csr).status());
            assertEquals(401, client.sign("127.0.0.20", "someone-else", "guess", csr).status(),
                    "the lockout is of the device ID, not of the address");
        }
    }

    private static EnrollmentServer start(MutableClock clock) throws Exception {
        EnrollmentServer.Settings defaults = EnrollmentServer.Settings.onPort(0);
        return EnrollmentServer.start(new EnrollmentServer.Settings(defaults.bind(), defaults.limits(), POLICY, clock),
                data, setup.serverCertificate(), setup.serverKey());
    }
}

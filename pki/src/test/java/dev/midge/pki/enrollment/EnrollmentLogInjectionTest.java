package dev.midge.pki.enrollment;

import dev.midge.testing.LogCapture;
import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client cannot write log lines of its own through the names it sends. */
class EnrollmentLogInjectionTest {

    @TempDir
    Path temp;

    @Test
    void aNewlineInTheSignPathIsLoggedEscapedOnOneLine() throws Exception {
        SecureDefault setup = DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
        DataDirectory data = DataDirectory.open(setup.dataDirectory());
        byte[] csr = TestCsrs.der(temp, "x");
        try (LogCapture log = LogCapture.of(Enrollment.class);
             EnrollmentServer server = EnrollmentServer.start(0, data, setup.serverCertificate(), setup.serverKey())) {
            EnrollmentClient client = new EnrollmentClient(setup.caChain(), server.port());

            EnrollmentClient.Response r = client.sign("127.0.0.1",
                    "x%0D%0A2026-01-01%2000:00:00%20INFO%20Enrolled%20admin", "wrong", csr);

            assertEquals(401, r.status(), r.head());
            assertEquals(1, log.messages().size(), log.messages().toString());
            String line = log.messages().get(0);
            assertTrue(line.chars().noneMatch(c -> c == '\n' || c == '\r'), line);
            assertTrue(line.startsWith("Refused enrollment of x\\r\\n2026-01-01 00:00:00 INFO Enrolled admin from "), line);
        }
    }
}

package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The certificate retriever: a device enrols over the network with a one-time secret, then connects. */
class EnrollmentIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void deviceEnrolsWithOneTimeSecretAndThenPublishes() throws Exception {
        int port = Ports.freePort();
        int enrollmentPort = Ports.freePort();
        try (BrokerProcess broker = BrokerProcess.start(work, "--data", "data", "--port", Integer.toString(port),
                "--enrollment-port", Integer.toString(enrollmentPort))) {
            broker.awaitLine("Midge .* running", WAIT);

            BrokerProcess.Result added = BrokerProcess.run(work, "device", "add", "sensor7", "--enroll", "--data", "data");
            assertEquals(0, added.exitCode(), added.output());
            String secret = lineAfter(added.output(), "Enrollment secret for sensor7");

            String url = "https://localhost:" + enrollmentPort;
            BrokerProcess.Result enrolled = BrokerProcess.run(work, "enroll", "--url", url, "--id", "sensor7",
                    "--secret", secret, "--out", "certs", "--cafile", "data/ca.crt");
            assertEquals(0, enrolled.exitCode(), enrolled.output());

            ProcessResult published = MosquittoClients.publish(MosquittoClients.options(port).add("-h", "localhost")
                            .cafile(work.resolve("certs/ca.crt"))
                            .cert(work.resolve("certs/sensor7.crt"), work.resolve("certs/sensor7.key")),
                    "-t", "/admin/sensor7/attrs", "-m", "enrolled");
            assertEquals(0, published.exitCode(), published::toString);
            broker.awaitLine("New client connected .* u'sensor7'", WAIT);

            BrokerProcess.Result again = BrokerProcess.run(work, "enroll", "--url", url, "--id", "sensor7",
                    "--secret", secret, "--out", "certs2", "--cafile", "data/ca.crt");
            assertNotEquals(0, again.exitCode(), "a used secret must be dead:\n" + again.output());
            assertTrue(again.output().contains("enrollment refused"), again.output());
        }
    }

    /** The secret is printed on the line after its heading, once. */
    private static String lineAfter(String output, String heading) {
        String[] lines = output.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith(heading)) {
                return lines[i + 1].strip();
            }
        }
        throw new AssertionError("no '" + heading + "' in:\n" + output);
    }
}

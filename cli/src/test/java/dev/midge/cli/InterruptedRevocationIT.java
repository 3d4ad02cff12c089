package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.pki.DataDirectory;
import dev.midge.pki.crl.RevocationReason;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code device revoke} killed after it wrote index.txt and before it wrote the CRL: the index
 * says revoked, the CRL does not. The real broker.jar must finish that revocation before its
 * listener accepts the device, and a second {@code device revoke} must finish it too.
 */
class InterruptedRevocationIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void theBrokerReissuesTheCrlAtStartAndRefusesTheDeviceItLacked() throws Exception {
        int port = Ports.freePort();
        DataDirectory data = dataDirectoryWith("victim", "bystander", port);
        revokeInIndexOnly(data, "victim");
        OpenSsl.Result torn = OpenSsl.verify(work.resolve("certs/ca.crt"), data.crlFile(), work.resolve("certs/victim.crt"));
        assertEquals(0, torn.exitCode(), "the torn state: the CRL does not list victim yet: " + torn.output());

        try (BrokerProcess broker = BrokerProcess.start(work, "--data", "data", "--port", Integer.toString(port))) {
            broker.awaitLine("Midge .* running", WAIT);
            String output = broker.output();
            int repaired = output.indexOf("Re-issued the CRL ");
            assertTrue(repaired >= 0 && repaired < output.indexOf(" running"), "repaired before the listener opened:\n"
                    + output);

            ProcessResult refused = publish(port, "victim");
            assertNotEquals(0, refused.exitCode(), refused::toString);
            broker.awaitLine("TLS handshake from .* refused: .*revoked", WAIT);
            ProcessResult accepted = publish(port, "bystander");
            assertEquals(0, accepted.exitCode(), accepted::toString);
        }
    }

    @Test
    void aSecondDeviceRevokeWritesTheCrlTheFirstDidNot() throws Exception {
        DataDirectory data = dataDirectoryWith("victim", "bystander", Ports.freePort());
        revokeInIndexOnly(data, "victim");

        BrokerProcess.Result again = BrokerProcess.run(work, "device", "revoke", "victim", "--data", "data");

        assertEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains("victim was already revoked: "), again.output());
        assertTrue(again.output().contains("Wrote the CRL " + data.crlFile() + " again from the index"), again.output());
        OpenSsl.Result verify = OpenSsl.verify(work.resolve("certs/ca.crt"), data.crlFile(),
                work.resolve("certs/victim.crt"));
        assertTrue(verify.output().contains("certificate revoked"), verify.output());
    }

    private DataDirectory dataDirectoryWith(String device, String other, int port) throws Exception {
        DataDirectory.openOrInitialize(work.resolve("data"), port);
        for (String id : new String[] {device, other}) {
            BrokerProcess.Result added = BrokerProcess.run(work, "device", "add", id, "--data", "data", "--out", "certs");
            assertEquals(0, added.exitCode(), added.output());
        }
        return DataDirectory.open(work.resolve("data"));
    }

    /** Exactly what {@code device revoke} writes before it writes the CRL: the index. */
    private static void revokeInIndexOnly(DataDirectory data, String id) {
        data.index().update(entries -> {
            entries.replaceAll(e -> e.commonName().equals(id) ? e.revoked(Instant.now(), RevocationReason.keyCompromise) : e);
            return null;
        });
    }

    private ProcessResult publish(int port, String id) {
        return MosquittoClients.publish(MosquittoClients.options(port).add("-h", "localhost")
                        .cafile(work.resolve("certs/ca.crt"))
                        .cert(work.resolve("certs/" + id + ".crt"), work.resolve("certs/" + id + ".key")),
                "-t", "/admin/" + id + "/attrs", "-m", "hello");
    }
}

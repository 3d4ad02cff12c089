package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import dev.midge.testing.TestPki;
import dev.midge.testing.TlsProviderUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mosquitto.conf deployment's CRL, rewritten while devices are connected (as a CA's cron job
 * does): broker.jar drops the revoked device at once and refuses its next handshake, and the
 * others stay. Runs on both TLS providers (the CLI's pom has an OpenSSL pass).
 */
class CrlfileRevocationIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void aRewrittenCrlfileDropsTheRevokedDeviceAndRefusesItsNextHandshake() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"));
        IssuedCertificate server = pki.server();
        IssuedCertificate stolen = pki.device("stolen");
        IssuedCertificate dev2 = pki.device("dev2");
        IssuedCertificate backend = pki.device("backend");
        pki.writeCrl();
        int port = Ports.freePort();
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                listener %d 127.0.0.1
                cafile %s
                certfile %s
                keyfile %s
                require_certificate true
                use_identity_as_username true
                crlfile %s
                """.formatted(port, pki.caFile(), server.chainFile(), server.keyFile(), pki.crlFile()));

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            TlsProviderUnderTest.awaitInUse(broker, WAIT);
            try (RunningSubscriber reader = MosquittoClients.subscribe(tls(port, pki, backend), "-t", "sensors/#", "-v");
                 RunningSubscriber stolenLive = MosquittoClients.subscribe(tls(port, pki, stolen), "-t", "config/stolen")) {
                assertNotNull(reader.awaitSubscribed(WAIT), reader::stderr);
                assertNotNull(stolenLive.awaitSubscribed(WAIT), stolenLive::stderr);

                pki.revoke(stolen);
                pki.writeCrl();
                stolenLive.awaitExit(WAIT);
                assertNotNull(broker.awaitLine("Disconnecting .*: certificate CN=stolen,O=Midge Test "
                        + "serial 0x[0-9a-f]+ is revoked \\(keyCompromise", WAIT), broker::output);

                ProcessResult refused = MosquittoClients.publish(tls(port, pki, stolen), "-t", "sensors/stolen", "-m", "x");
                assertNotEquals(0, refused.exitCode(), refused::toString);
                assertNotNull(broker.awaitLine("TLS handshake from 127\\.0\\.0\\.1:\\d+ refused: certificate "
                        + "CN=stolen,O=Midge Test serial 0x[0-9a-f]+: certificate revoked \\(keyCompromise", WAIT),
                        broker::output);

                // The others were not touched: a device still publishes to the backend that was connected throughout.
                ProcessResult ok = MosquittoClients.publish(tls(port, pki, dev2), "-t", "sensors/dev2", "-m", "21.5");
                assertEquals(0, ok.exitCode(), ok::toString);
                assertEquals("sensors/dev2 21.5", reader.awaitLine(WAIT));
                assertTrue(reader.isAlive(), "the backend must stay connected");
            }
        }
    }

    private static MosquittoClients.Options tls(int port, TestPki pki, IssuedCertificate device) {
        return MosquittoClients.options(port).add("-h", "localhost").cafile(pki.caFile())
                .cert(device.certFile(), device.keyFile());
    }
}

package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code midge_ocsp_check fail-closed} from a mosquitto.conf, for devices of an external CA whose
 * certificates name an OCSP responder (openssl's own, on loopback): the revoked device is
 * dropped right after connecting, the good ones work.
 */
class OcspCheckIT {

    /** From a JVM launch to its first line takes over 30 s on a loaded two-core machine, on either TLS provider. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final DateTimeFormatter OPENSSL_TIME =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    @TempDir
    Path work;

    @Test
    void revokedDeviceOfAnExternalCaIsDroppedAndGoodDevicesWork() throws Exception {
        int responderPort = Ports.freePort();
        TestPki pki = TestPki.create(work.resolve("pki")).ocspUrl("http://127.0.0.1:" + responderPort + "/ocsp");
        IssuedCertificate server = pki.server();
        IssuedCertificate dev1 = pki.device("dev1");
        IssuedCertificate agent = pki.device("agent");
        IssuedCertificate stolen = pki.device("stolen");
        IssuedCertificate signer = pki.ocspResponder("ocsp-responder");
        Path index = Files.writeString(work.resolve("index.txt"), entry("V", dev1) + entry("V", agent)
                + entry("R", stolen));
        Path responderLog = work.resolve("responder.log");
        Process responder = new ProcessBuilder("openssl", "ocsp", "-index", index.toString(), "-port",
                Integer.toString(responderPort), "-rsigner", signer.certFile().toString(), "-rkey",
                signer.keyFile().toString(), "-CA", pki.caFile().toString(), "-nmin", "5")
                .redirectErrorStream(true).redirectOutput(responderLog.toFile()).start();
        int port = Ports.freePort();
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                listener %d
                cafile %s
                certfile %s
                keyfile %s
                require_certificate true
                use_identity_as_username true
                midge_ocsp_check fail-closed
                """.formatted(port, pki.caFile(), server.chainFile(), server.keyFile()));
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            await().atMost(WAIT).until(() -> Files.readString(responderLog).contains("waiting for OCSP client"));
            broker.awaitLine("Midge .* running", WAIT);
            try (RunningSubscriber reader = MosquittoClients.subscribe(tls(port, pki, agent), "-t", "#", "-v");
                 RunningSubscriber thief = MosquittoClients.subscribe(tls(port, pki, stolen), "-t", "#", "-v")) {
                reader.awaitSubscribed(WAIT);
                broker.awaitLine("Disconnecting .*CN=stolen.* serial 0x" + stolen.serial().toString(16)
                        + " is revoked \\(keyCompromise on .*\\) by OCSP responder http://127.0.0.1:" + responderPort, WAIT);

                ProcessResult published = MosquittoClients.publish(tls(port, pki, dev1), "-t", "dev1/attrs", "-m", "21.5");
                assertEquals(0, published.exitCode(), published::toString);
                assertEquals("dev1/attrs 21.5", reader.awaitLine(WAIT));
            }
        } finally {
            responder.destroy();
        }
    }

    private static String entry(String status, IssuedCertificate c) {
        String hex = c.serial().toString(16).toUpperCase(Locale.ROOT);
        String serial = hex.length() % 2 == 0 ? hex : "0" + hex;
        String revoked = status.equals("R") ? OPENSSL_TIME.format(Instant.now().minusSeconds(60)) + ",keyCompromise" : "";
        return status + "\t" + OPENSSL_TIME.format(c.certificate().getNotAfter().toInstant()) + "\t" + revoked + "\t"
                + serial + "\tunknown\t/CN=" + c.name() + "\n";
    }

    private static MosquittoClients.Options tls(int port, TestPki pki, IssuedCertificate device) {
        return MosquittoClients.options(port).add("-h", "localhost").cafile(pki.caFile())
                .cert(device.certFile(), device.keyFile());
    }
}

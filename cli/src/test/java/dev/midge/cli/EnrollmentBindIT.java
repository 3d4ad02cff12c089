package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.pki.DataDirectory;
import dev.midge.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Enrollment listens only where it is told to: {@code run --enrollment-bind} and {@code midge_enrollment_bind}. */
class EnrollmentBindIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void enrollmentBindFlagListensOnThatAddressOnly() throws Exception {
        int enrollmentPort = Ports.freePort();
        try (BrokerProcess broker = BrokerProcess.start(work, "--data", "data", "--port",
                Integer.toString(Ports.freePort()), "--enrollment-port", Integer.toString(enrollmentPort),
                "--enrollment-bind", "127.0.0.1")) {
            broker.awaitLine("Midge .* running", WAIT);

            assertListensOnlyOn127001(broker, enrollmentPort);
        }
    }

    @Test
    void enrollmentBindConfOptionListensOnThatAddressOnly() throws Exception {
        int port = Ports.freePort();
        int enrollmentPort = Ports.freePort();
        DataDirectory.openOrInitialize(work.resolve("data"), port);
        Path conf = work.resolve("broker.conf");
        Files.writeString(conf, Files.readString(work.resolve("data/midge.conf"))
                + "midge_enrollment_port " + enrollmentPort + "\nmidge_enrollment_bind 127.0.0.1\n");
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString(), "--data", "data")) {
            broker.awaitLine("Midge .* running", WAIT);

            assertListensOnlyOn127001(broker, enrollmentPort);
        }
    }

    private void assertListensOnlyOn127001(BrokerProcess broker, int enrollmentPort) throws Exception {
        assertTrue(broker.output().contains("listening on /127.0.0.1:" + enrollmentPort), broker.output());
        Curl ok = curl("https://127.0.0.1:" + enrollmentPort + "/.well-known/est/cacerts");
        assertEquals(0, ok.exitCode(), ok.output());
        // Another loopback address reaches a wildcard listener, but not one bound to 127.0.0.1: curl 7, "Couldn't connect".
        Curl other = curl("https://127.0.0.2:" + enrollmentPort + "/.well-known/est/cacerts");
        assertEquals(7, other.exitCode(), other.output());
    }

    record Curl(int exitCode, String output) {
    }

    private Curl curl(String url) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("curl", "-sS", "--fail", "--max-time", "20", "--cacert",
                work.resolve("data/ca.crt").toString(), url))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("curl did not finish");
        }
        return new Curl(p.exitValue(), out);
    }
}

package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.Ports;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS material and cipher strings mosquitto's OpenSSL would refuse stop broker.jar with one line and exit code 3. */
class WeakTlsMaterialIT {

    @TempDir
    Path work;

    @Test
    void rsa1024ServerKeyStopsStartUpWithOneLine() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"));
        Path crt = work.resolve("server1024.crt");
        Path key = work.resolve("server1024.key");
        OpenSsl.Result made = OpenSsl.run("req", "-x509", "-newkey", "rsa:1024", "-nodes", "-sha256", "-keyout",
                key.toString(), "-out", crt.toString(), "-subj", "/CN=localhost", "-days", "2");
        assertEquals(0, made.exitCode(), made.output());
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                listener %d
                cafile %s
                certfile %s
                keyfile %s
                require_certificate true
                """.formatted(Ports.freePort(), pki.caFile(), crt, key));

        // Started, not run: a broker that accepted the key would keep running; close() stops it then.
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            String line = broker.awaitLine(Pattern.quote(crt + ": the server certificate has an RSA key of 1024 bits,"
                    + " below OpenSSL security level 2"), Duration.ofSeconds(60));
            assertNotNull(line, broker::output);
            assertTrue(line.contains("ciphers DEFAULT:@SECLEVEL=1"), line);
            assertEquals(3, broker.awaitExit(Duration.ofSeconds(60)), broker::output);
        }
    }

    @Test
    void cipherStringThatSelectsNothingStopsStartUpAtItsLine() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"));
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                listener %d
                cafile %s
                certfile %s
                keyfile %s
                ciphers ECDHE+AESGCM:!kECDHE
                """.formatted(Ports.freePort(), pki.caFile(), pki.server().chainFile(), pki.server().keyFile()));

        BrokerProcess.Result result = BrokerProcess.run(work, "-c", conf.toString());

        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains(conf + ":5: 'ECDHE+AESGCM:!kECDHE' selects no TLS 1.2 cipher suite"),
                result.output());
    }
}

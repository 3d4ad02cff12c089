package dev.midge.cli;

import dev.midge.testing.OpenSsl;
import dev.midge.testing.Ports;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS material and cipher strings mosquitto's OpenSSL would refuse stop broker.jar with one line and exit code 3. */
@Timeout(120) // a broker that starts instead of refusing would otherwise run until killed
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

        BrokerProcess.Result result = BrokerProcess.run(work, "-c", conf.toString());

        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains(crt + ": the server certificate has an RSA key of 1024 bits, below OpenSSL"
                + " security level 2"), result.output());
        assertTrue(result.output().contains("ciphers DEFAULT:@SECLEVEL=1"), result.output());
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

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
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** midge_tls_provider openssl in broker.jar: BoringSSL ships in the jar, and what cannot load stops start-up. */
class NativeTlsProviderIT {

    /** From a JVM launch to its first line takes over 30 s on a loaded two-core machine, on either TLS provider. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void brokerJarServesMutualTlsOnOpenSslWithTheCrl() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"));
        IssuedCertificate dev1 = pki.device("dev1");
        IssuedCertificate stolen = pki.device("stolen");
        pki.revoke(stolen);
        pki.writeCrl();
        int port = Ports.freePort();
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), conf(port, pki));

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            assertNotNull(broker.awaitLine("TLS handshakes for .* run by BoringSSL \\(midge_tls_provider openssl\\)",
                    WAIT), broker::output);
            try (RunningSubscriber reader = MosquittoClients.subscribe(tls(port, pki, dev1), "-t", "sensors/#", "-v")) {
                assertNotNull(reader.awaitSubscribed(WAIT), reader::stderr);
                broker.awaitLine("New client connected .* u'dev1'", WAIT);

                ProcessResult refused = MosquittoClients.publish(tls(port, pki, stolen), "-t", "sensors/stolen", "-m", "x");
                assertNotEquals(0, refused.exitCode(), refused::toString);
                assertNotNull(broker.awaitLine("TLS handshake from 127\\.0\\.0\\.1:\\d+ refused: certificate "
                        + "CN=stolen,O=Midge Test serial 0x[0-9a-f]+: certificate revoked \\(keyCompromise", WAIT),
                        broker::output);

                ProcessResult ok = MosquittoClients.publish(tls(port, pki, dev1), "-t", "sensors/dev1", "-m", "21.5");
                assertEquals(0, ok.exitCode(), ok::toString);
                assertEquals("sensors/dev1 21.5", reader.awaitLine(WAIT));
            }
        }
    }

    @Test
    void opensslThatCannotLoadStopsStartUpNamingTheCause() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"));
        pki.writeCrl();
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), conf(Ports.freePort(), pki));

        // Netty's own switch makes OpenSSL unavailable, as a missing or unloadable native library would.
        BrokerProcess.Result result = BrokerProcess.run(work,
                Map.of("JAVA_TOOL_OPTIONS", "-Dio.netty.handler.ssl.noOpenSsl=true"), "-c", conf.toString());

        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains("midge_tls_provider openssl cannot be honoured: OpenSSL "
                + "(netty-tcnative-boringssl-static) did not load: "), result.output());
        assertTrue(result.output().contains("noOpenSsl"), result.output());
    }

    @Test
    void theEnvironmentVariablePutsEveryListenerWithoutItsOwnLineOnOpenSsl() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"));
        IssuedCertificate dev1 = pki.device("dev1");
        pki.writeCrl();
        int onSwitch = Ports.freePort();
        int onJdk = Ports.freePort();
        String listener = conf(0, pki).replace("listener 0 127.0.0.1\n", "").replace("midge_tls_provider openssl\n", "");
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), "listener " + onSwitch + " 127.0.0.1\n" + listener
                + "listener " + onJdk + " 127.0.0.1\n" + listener + "midge_tls_provider jdk\n");

        try (BrokerProcess broker = BrokerProcess.start(work, Map.of("MIDGE_TLS_PROVIDER", "openssl"),
                "-c", conf.toString())) {
            String running = broker.awaitLine("Midge .* running", WAIT);
            List<String> startUp = broker.linesBefore(running);
            assertTrue(startUp.stream().anyMatch(line -> line.contains("Certificate listeners without "
                    + "midge_tls_provider run on openssl (MIDGE_TLS_PROVIDER=openssl).")), broker::output);
            assertEquals(1, startUp.stream().filter(line -> line.matches(".*TLS handshakes for .* run by BoringSSL "
                    + "\\(midge_tls_provider openssl\\)\\.")).count(), broker::output);
            assertEquals(1, startUp.stream().filter(line -> line.matches(".*TLS handshakes for .* run by the JDK's "
                    + "TLS \\(midge_tls_provider jdk\\)\\.")).count(), broker::output);
            for (int port : new int[]{onSwitch, onJdk}) {
                try (RunningSubscriber reader = MosquittoClients.subscribe(tls(port, pki, dev1), "-t", "sensors/#", "-v")) {
                    assertNotNull(reader.awaitSubscribed(WAIT), reader::stderr);
                    ProcessResult ok = MosquittoClients.publish(tls(port, pki, dev1), "-t", "sensors/dev1", "-m", "" + port);
                    assertEquals(0, ok.exitCode(), ok::toString);
                    assertEquals("sensors/dev1 " + port, reader.awaitLine(WAIT));
                }
            }
        }
    }

    @Test
    void aBadSwitchValueStopsStartUpNamingWhereItCameFrom() throws Exception {
        BrokerProcess.Result fromEnvironment = BrokerProcess.run(work, Map.of("MIDGE_TLS_PROVIDER", "boringssl"),
                "--data", work.resolve("data").toString());
        assertEquals(3, fromEnvironment.exitCode(), fromEnvironment.output());
        assertTrue(fromEnvironment.output().contains(
                "Error: MIDGE_TLS_PROVIDER=boringssl: 'boringssl' is not a TLS provider; use jdk or openssl"),
                fromEnvironment.output());
        assertFalse(Files.exists(work.resolve("data")), "refused before the secure default creates its CA");

        BrokerProcess.Result fromOption = BrokerProcess.run(work, Map.of("MIDGE_TLS_PROVIDER", "jdk"),
                "--tls-provider", "native", "--data", work.resolve("data").toString());
        assertEquals(3, fromOption.exitCode(), fromOption.output());
        assertTrue(fromOption.output().contains(
                "Error: --tls-provider native: 'native' is not a TLS provider; use jdk or openssl"), fromOption.output());
    }

    private static String conf(int port, TestPki pki) {
        return """
                listener %d 127.0.0.1
                cafile %s
                certfile %s
                keyfile %s
                crlfile %s
                require_certificate true
                use_identity_as_username true
                midge_tls_provider openssl
                """.formatted(port, pki.caFile(), pki.server().chainFile(), pki.server().keyFile(), pki.crlFile());
    }

    private static MosquittoClients.Options tls(int port, TestPki pki, IssuedCertificate device) {
        return MosquittoClients.options(port).cafile(pki.caFile()).cert(device.certFile(), device.keyFile());
    }
}

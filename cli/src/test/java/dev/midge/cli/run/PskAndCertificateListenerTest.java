package dev.midge.cli.run;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.midge.conf.MosquittoConf;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.MosquittoClients.Options;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One listener with certfile, cafile and psk_hint serves certificate clients and TLS-PSK clients,
 * as mosquitto does: the real mosquitto clients with --cert and with --psk on the same port.
 */
class PskAndCertificateListenerTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String DEV1_KEY = "00112233445566778899aabbccddeeff";
    private static final String MON_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final String ACL = String.join("\n",
            "user mon", "topic read #",
            "user dev1", "topic write sensors/dev1",
            "user dev2", "topic write sensors/dev2", "");

    @TempDir
    static Path pkiDir;
    static TestPki pki;

    @TempDir
    Path dir;
    private RunningBroker running;
    private int port;
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.midge");
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void certificates() {
        pki = TestPki.create(pkiDir);
    }

    @BeforeEach
    void start() throws Exception {
        log.start();
        logger.addAppender(log);
        port = Ports.freePort();
        IssuedCertificate server = pki.server();
        Path psk = Files.writeString(dir.resolve("psk"), "mon:" + MON_KEY + "\ndev1:" + DEV1_KEY + "\n");
        Path acl = Files.writeString(dir.resolve("acl"), ACL);
        Path conf = Files.writeString(dir.resolve("midge.conf"), String.join("\n",
                "psk_file " + psk, "acl_file " + acl,
                "listener " + port + " 127.0.0.1", "cafile " + pki.caFile(), "certfile " + server.chainFile(),
                "keyfile " + server.keyFile(), "require_certificate true", "use_identity_as_username true",
                "psk_hint midge", ""));
        running = BrokerAssembly.start(MosquittoConf.parse(conf).config());
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
        logger.detachAppender(log);
    }

    private Options withCertificate(String cn) {
        IssuedCertificate device = pki.device(cn);
        return MosquittoClients.options(port).cafile(pki.caFile()).cert(device.certFile(), device.keyFile())
                .clientId(cn + "-cert");
    }

    private Options withPsk(String identity, String key) {
        return MosquittoClients.options(port).psk(identity, key).clientId(identity + "-psk");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tlsv1.2", "tlsv1.3"})
    void certificateAndPskClientsShareOneListener(String version) throws Exception {
        try (RunningSubscriber pskMon = MosquittoClients.subscribe(withPsk("mon", MON_KEY).tlsVersion(version),
                "-q", "1", "-t", "sensors/#", "-v");
             RunningSubscriber certMon = MosquittoClients.subscribe(withCertificate("mon").tlsVersion(version),
                     "-q", "1", "-t", "sensors/#", "-v")) {
            assertNotNull(pskMon.awaitSubscribed(WAIT), pskMon.stderr());
            assertNotNull(certMon.awaitSubscribed(WAIT), certMon.stderr());

            // The PSK identity is the username the ACL sees (use_identity_as_username), and
            // require_certificate does not apply to a PSK client, as in mosquitto.
            ProcessResult fromPsk = MosquittoClients.publish(withPsk("dev1", DEV1_KEY).tlsVersion(version).qos(1),
                    "-t", "sensors/dev1", "-m", "psk");
            assertEquals(0, fromPsk.exitCode(), fromPsk.toString());
            assertEquals("sensors/dev1 psk", certMon.awaitLine(WAIT), certMon.stderr());
            assertEquals("sensors/dev1 psk", pskMon.awaitLine(WAIT), pskMon.stderr());

            ProcessResult fromCert = MosquittoClients.publish(withCertificate("dev2").tlsVersion(version).qos(1),
                    "-t", "sensors/dev2", "-m", "cert");
            assertEquals(0, fromCert.exitCode(), fromCert.toString());
            assertEquals("sensors/dev2 cert", pskMon.awaitLine(WAIT), pskMon.stderr());
            assertEquals("sensors/dev2 cert", certMon.awaitLine(WAIT), certMon.stderr());
        }
    }

    @Test
    void aWrongPskIsRefusedAndTheLogNamesTheIdentity() {
        ProcessResult result = MosquittoClients.publish(withPsk("dev1", MON_KEY), "-t", "sensors/dev1", "-m", "x");

        assertNotEquals(0, result.exitCode(), result.toString());
        String line = awaitOneLine("TLS-PSK handshake from 127.0.0.1:", "refused");
        assertTrue(line.contains("bad PSK for identity dev1"), line);
    }

    @Test
    void aCertificateClientWithoutACertificateIsRefusedWhenRequireCertificateIsTrue() {
        ProcessResult result = MosquittoClients.publish(MosquittoClients.options(port).cafile(pki.caFile())
                .clientId("nocert"), "-t", "sensors/dev2", "-m", "x");

        assertNotEquals(0, result.exitCode(), result.toString());
        awaitOneLine("TLS handshake from 127.0.0.1:", "refused");
    }

    private String awaitOneLine(String... fragments) {
        await().atMost(WAIT).until(() -> !matching(fragments).isEmpty());
        List<String> found = matching(fragments);
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }

    private List<String> matching(String... fragments) {
        synchronized (log.list) {
            return log.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage())
                    .filter(l -> List.of(fragments).stream().allMatch(l::contains)).toList();
        }
    }
}

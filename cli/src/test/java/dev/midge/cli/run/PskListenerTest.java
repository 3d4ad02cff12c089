package dev.midge.cli.run;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.midge.conf.MosquittoConf;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.MosquittoClients.Options;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TLS-PSK listener from a real mosquitto.conf (psk_hint, psk_file, use_identity_as_username,
 * acl_file) against the real mosquitto clients with --psk/--psk-identity.
 */
class PskListenerTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String DEV1_KEY = "00112233445566778899aabbccddeeff";
    private static final String MON_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final String ACL = String.join("\n",
            "user mon", "topic read #",
            "user dev1", "topic write sensors/dev1", "topic read config/dev1", "");

    @TempDir
    Path dir;
    private RunningBroker running;
    private int port;
    private Path pskFile;
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.midge");
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        log.start();
        logger.addAppender(log);
        port = Ports.freePort();
        pskFile = Files.writeString(dir.resolve("psk"), "# identity:hexkey\nmon:" + MON_KEY + "\ndev1:" + DEV1_KEY + "\n");
        Path acl = Files.writeString(dir.resolve("acl"), ACL);
        startWith("acl_file " + acl, "listener " + port + " 127.0.0.1", "psk_hint midge", "use_identity_as_username true");
    }

    private void startWith(String... lines) throws Exception {
        if (running != null) {
            running.close();
        }
        Path conf = Files.writeString(dir.resolve("midge.conf"),
                "psk_file " + pskFile + "\n" + String.join("\n", lines) + "\n");
        running = BrokerAssembly.start(MosquittoConf.parse(conf).config());
    }

    @Test
    void withoutUseIdentityAsUsernameTheConnectUsernameIsAuthenticatedAsInMosquitto() throws Exception {
        Path passwd = dir.resolve("passwd");
        assertEquals(0, MosquittoClients.passwd("-b", "-c", passwd.toString(), "alice", "secret").exitCode());
        startWith("password_file " + passwd, "listener " + port + " 127.0.0.1", "psk_hint midge");
        CompletableFuture<String> publisher = new CompletableFuture<>();
        running.broker().addMessageObserver((client, topic, payload, qos, retain) -> publisher.complete(client.username()));

        ProcessResult anonymous = MosquittoClients.publish(as("dev1", DEV1_KEY), "-t", "a", "-m", "x");
        ProcessResult alice = MosquittoClients.publish(as("dev1", DEV1_KEY).user("alice", "secret"), "-t", "a", "-m", "x");

        assertNotEquals(0, anonymous.exitCode(), "the PSK alone does not authenticate: " + anonymous);
        assertEquals(0, alice.exitCode(), alice.toString());
        assertEquals("alice", publisher.orTimeout(15, TimeUnit.SECONDS).join());
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
        logger.detachAppender(log);
    }

    private Options as(String identity, String key) {
        return MosquittoClients.options(port).psk(identity, key).clientId(identity + "-client");
    }

    @ParameterizedTest(name = "{0} QoS {1}")
    @CsvSource({"tlsv1.2,0", "tlsv1.2,1", "tlsv1.2,2", "tlsv1.3,0", "tlsv1.3,1", "tlsv1.3,2"})
    void aPskClientPublishesAsItsIdentityToAnotherPskClient(String version, int qos) throws Exception {
        try (RunningSubscriber mon = MosquittoClients.subscribe(as("mon", MON_KEY).tlsVersion(version),
                "-q", "2", "-t", "sensors/#", "-v")) {
            assertNotNull(mon.awaitSubscribed(WAIT), mon.stderr());

            // "somebody" in CONNECT is ignored: the PSK identity is the username the ACL sees.
            ProcessResult published = MosquittoClients.publish(as("dev1", DEV1_KEY).tlsVersion(version)
                    .user("somebody", "x").qos(qos), "-t", "sensors/dev1", "-m", "21.5");

            assertEquals(0, published.exitCode(), published.toString());
            assertEquals("sensors/dev1 21.5", mon.awaitLine(WAIT), mon.stderr());
        }
    }

    @Test
    void theAclAppliesToThePskIdentity() throws Exception {
        try (RunningSubscriber mon = MosquittoClients.subscribe(as("mon", MON_KEY), "-t", "sensors/#", "-v")) {
            assertNotNull(mon.awaitSubscribed(WAIT), mon.stderr());

            MosquittoClients.publish(as("dev1", DEV1_KEY).qos(1), "-t", "sensors/other", "-m", "forbidden");
            ProcessResult marker = MosquittoClients.publish(as("dev1", DEV1_KEY).qos(1), "-t", "sensors/dev1", "-m", "marker");

            assertEquals(0, marker.exitCode(), marker.toString());
            assertEquals("sensors/dev1 marker", mon.awaitLine(WAIT), "the denied publish came first: " + mon.stderr());
        }
    }

    @Test
    void aWrongKeyIsRefusedAndTheLogNamesTheIdentity() {
        ProcessResult result = MosquittoClients.publish(as("dev1", MON_KEY), "-t", "sensors/dev1", "-m", "x");

        assertNotEquals(0, result.exitCode(), result.toString());
        String line = awaitOneLine("TLS-PSK handshake from 127.0.0.1:", "refused");
        assertTrue(line.contains("bad PSK for identity dev1"), line);
        assertNoStackTrace();
    }

    @Test
    void anUnknownIdentityIsRefusedAndTheLogNamesIt() {
        ProcessResult result = MosquittoClients.publish(as("intruder", DEV1_KEY).tlsVersion("tlsv1.2"),
                "-t", "sensors/dev1", "-m", "x");

        assertNotEquals(0, result.exitCode(), result.toString());
        String line = awaitOneLine("TLS-PSK handshake from 127.0.0.1:", "refused");
        assertTrue(line.contains("unknown PSK identity intruder"), line);
        assertNoStackTrace();
    }

    @Test
    void aKeyAddedToThePskFileWorksWithoutRestart() throws Exception {
        String newKey = "aabbccddeeff00112233445566778899";
        ProcessResult before = MosquittoClients.publish(as("dev2", newKey), "-t", "x", "-m", "x");
        assertNotEquals(0, before.exitCode(), before.toString());

        Files.writeString(pskFile, "mon:" + MON_KEY + "\ndev1:" + DEV1_KEY + "\ndev2:" + newKey + "\n");

        await().atMost(WAIT).until(() -> MosquittoClients.publish(as("dev2", newKey), "-t", "x", "-m", "x").exitCode() == 0);
    }

    @Test
    void aBrokenPskFileKeepsTheLastGoodKeysAndSaysWhere() throws Exception {
        Files.writeString(pskFile, "mon:" + MON_KEY + "\ndev1:not-hex\n");

        String line = awaitOneLine("Not reloading psk_file");
        assertTrue(line.contains(pskFile + ":2:"), line);
        ProcessResult stillWorks = MosquittoClients.publish(as("dev1", DEV1_KEY), "-t", "sensors/dev1", "-m", "x");
        assertEquals(0, stillWorks.exitCode(), stillWorks.toString());
    }

    @Test
    void aBadPskFileStopsStartupNamingFileAndLine() throws Exception {
        running.close();
        running = null;
        Files.writeString(pskFile, "dev1:" + DEV1_KEY + "\ndev2:12345\n");

        StartupException e = assertThrows(StartupException.class,
                () -> startWith("listener " + port + " 127.0.0.1", "psk_hint midge"));

        assertEquals(3, e.exitCode());
        assertEquals(pskFile + ":2: the key of identity 'dev2' is not an even number of hex digits", e.getMessage());
    }

    @Test
    void aCiphersLineFromTheConfRestrictsThePskSuites() throws Exception {
        startWith("listener " + port + " 127.0.0.1", "psk_hint midge", "ciphers PSK-AES128-GCM-SHA256");

        OpenSsl.Result chosen = OpenSsl.sClient(port, "-psk_identity", "dev1", "-psk", DEV1_KEY, "-tls1_2",
                "-cipher", "ECDHE-PSK-CHACHA20-POLY1305:PSK-AES128-GCM-SHA256");
        OpenSsl.Result other = OpenSsl.sClient(port, "-psk_identity", "dev1", "-psk", DEV1_KEY, "-tls1_2",
                "-cipher", "ECDHE-PSK-CHACHA20-POLY1305");

        assertTrue(chosen.output().contains("Ciphersuite: PSK-AES128-GCM-SHA256"), chosen.output());
        assertTrue(!other.output().contains("Ciphersuite:"), other.output());
        awaitOneLine("TLS-PSK handshake from 127.0.0.1:", "refused: no TLS-PSK cipher suite in common");
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

    private void assertNoStackTrace() {
        synchronized (log.list) {
            assertTrue(log.list.stream().noneMatch(e -> e.getThrowableProxy() != null), log.list.toString());
        }
    }
}

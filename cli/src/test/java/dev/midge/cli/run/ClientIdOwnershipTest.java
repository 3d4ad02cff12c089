package dev.midge.cli.run;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report as it came in, end to end: mutual TLS with the certificate's CN as username, an
 * ACL file, the real mosquitto clients. "mon" (read #) holds a persistent session; dev2
 * publishes while it is offline; dev1 connects with client id "mon" and clean session 0. It
 * must not get the session, nor mon's queued message, nor push mon off.
 */
class ClientIdOwnershipTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String ACL = String.join("\n",
            "user mon", "topic readwrite #",
            "user dev1", "topic write /admin/dev1/attrs", "topic read /admin/dev1/config",
            "user dev2", "topic write /admin/dev2/attrs", "topic read /admin/dev2/config", "");

    @TempDir
    static Path pkiDir;
    static TestPki pki;

    @TempDir
    Path dir;
    private RunningBroker running;
    private int port;
    /** Options for the listener's block, after its listener line. */
    private String listenerLines = "";

    @BeforeAll
    static void certificates() {
        pki = TestPki.create(pkiDir);
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private void start(String... extraLines) throws Exception {
        port = Ports.freePort();
        IssuedCertificate server = pki.server();
        Path acl = Files.writeString(dir.resolve("acl"), ACL);
        Path conf = Files.writeString(dir.resolve("midge.conf"), String.join("\n", String.join("\n", extraLines),
                "listener " + port + " 127.0.0.1", "cafile " + pki.caFile(), "certfile " + server.chainFile(),
                "keyfile " + server.keyFile(), "require_certificate true", "use_identity_as_username true",
                "acl_file " + acl, listenerLines, ""));
        running = BrokerAssembly.start(MosquittoConf.parse(conf).config());
    }

    private Options as(String cn) {
        IssuedCertificate device = pki.device(cn);
        return MosquittoClients.options(port).cafile(pki.caFile()).cert(device.certFile(), device.keyFile());
    }

    /** mon subscribes with a persistent session and goes away; dev2 publishes to it meanwhile. */
    private void monHasAQueuedMessage() throws Exception {
        try (RunningSubscriber mon = MosquittoClients.subscribe(as("mon").clientId("mon").add("-c"),
                "-q", "1", "-t", "/admin/#", "-v")) {
            assertNotNull(mon.awaitSubscribed(WAIT), mon.stderr());
        }
        await().atMost(WAIT).until(() -> running.broker().connectedClients().isEmpty());
        publish(as("dev2"), "/admin/dev2/attrs", "for-mon-only");
    }

    private static void publish(Options options, String topic, String payload) {
        ProcessResult r = MosquittoClients.publish(options, "-t", topic, "-m", payload, "-q", "1");
        assertEquals(0, r.exitCode(), r.toString());
    }

    /** dev1 claims mon's client id; returns its stderr once it was refused. */
    private String dev1ClaimsMon(Options extra) throws Exception {
        try (RunningSubscriber dev1 = MosquittoClients.subscribe(extra.clientId("mon").add("-c"),
                "-q", "1", "-t", "/admin/dev1/config", "-v")) {
            ProcessResult refused = dev1.awaitExit(WAIT);
            assertNotNull(refused, "dev1 was let in as mon: it is still running");
            // It has exited and its output was read to the end: nothing more can arrive.
            assertNull(dev1.awaitSubscribed(Duration.ZERO), "dev1 was let in as mon");
            assertEquals("", refused.stdout(), "dev1 received a message");
            return dev1.stderr();
        }
    }

    @Test
    void aDeviceCannotTakeAnotherDevicesClientIdNorReadItsQueue() throws Exception {
        start();
        monHasAQueuedMessage();

        String v311 = dev1ClaimsMon(as("dev1"));
        assertTrue(v311.contains("identifier rejected"), v311);
        String v5 = dev1ClaimsMon(as("dev1").mqtt5());
        assertTrue(v5.contains("Client Identifier not valid"), v5);

        try (RunningSubscriber mon = MosquittoClients.subscribe(as("mon").clientId("mon").add("-c"),
                "-q", "1", "-t", "/admin/#", "-v")) {
            assertEquals("/admin/dev2/attrs for-mon-only", mon.awaitLine(WAIT), mon.stderr());
        }
    }

    @Test
    void withTakeoverAllowedTheNewcomerStartsEmptyAndMonsQueueNeverReachesIt() throws Exception {
        start("midge_clientid_takeover any");
        monHasAQueuedMessage();
        try (RunningSubscriber dev1 = MosquittoClients.subscribe(as("dev1").clientId("mon").add("-c"),
                "-q", "1", "-t", "/admin/dev1/config", "-v")) {
            assertNotNull(dev1.awaitSubscribed(WAIT), dev1.stderr());
            publish(as("mon").clientId("mon-admin"), "/admin/dev1/config", "marker");
            assertEquals("/admin/dev1/config marker", dev1.awaitLine(WAIT));
        }
    }

    @Test
    void clientIdsBoundToTheUsernameComeFromTheConf() throws Exception {
        start("midge_clientid_binding equal");
        assertTrue(dev1ClaimsMon(as("dev1")).contains("identifier rejected"));
    }

    @Test
    void useUsernameAsClientIdGivesTheDeviceItsCertificateName() throws Exception {
        listenerLines = "use_username_as_clientid true";
        start();
        try (RunningSubscriber dev1 = MosquittoClients.subscribe(as("dev1").clientId("mon"),
                "-q", "1", "-t", "/admin/dev1/config", "-v")) {
            assertNotNull(dev1.awaitSubscribed(WAIT), dev1.stderr());
            assertEquals("dev1", running.broker().connectedClients().get(0).clientId());
        }
    }
}

package dev.midge.cli.run;

import dev.midge.broker.bridge.BridgeStatus;
import dev.midge.conf.MosquittoConf;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.LogCapture;
import dev.midge.testing.MosquittoBroker;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.RunningSubscriber;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bridges over mutual TLS with certificates from one CA (the test PKI standing in for Midge's
 * own) and over TLS-PSK: Midge → mosquitto and mosquitto → Midge, each side checking the other
 * and the remote taking the bridge's CN (or PSK identity) as its username; a remote whose
 * certificate another CA issued is refused with one line saying why.
 */
class BridgeTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private TestPki pki;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void pki() {
        pki = TestPki.create(dir.resolve("pki"));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private String[] tlsListener() {
        IssuedCertificate server = pki.server();
        return new String[] {"cafile " + pki.caFile(), "certfile " + server.chainFile(), "keyfile " + server.keyFile(),
                "require_certificate true", "use_identity_as_username true"};
    }

    private RunningBroker midge(String... lines) throws Exception {
        Path conf = Files.writeString(dir.resolve("midge" + open.size() + ".conf"), String.join("\n", lines) + "\n");
        RunningBroker broker = BrokerAssembly.start(MosquittoConf.parse(conf).config());
        open.add(broker);
        return broker;
    }

    private RunningSubscriber subscribe(MosquittoClients.Options options, String topic) throws InterruptedException {
        RunningSubscriber sub = MosquittoClients.subscribe(options, "-v", "-q", "1", "-t", topic);
        open.add(sub);
        assertNotNull(sub.awaitSubscribed(WAIT), sub.stderr());
        return sub;
    }

    @Test
    void midgeBridgesToMosquittoWithItsCertificate() throws Exception {
        MosquittoBroker remote = MosquittoBroker.start(dir, "remote", tlsListener());
        open.add(remote);
        IssuedCertificate site = pki.device("site1");
        int plain = Ports.freePort();
        RunningBroker midge = midge("listener " + plain + " 127.0.0.1", "allow_anonymous true",
                "connection cloud", "address localhost:" + remote.port(), "remote_clientid site1",
                "bridge_cafile " + pki.caFile(), "bridge_certfile " + site.chainFile(),
                "bridge_keyfile " + site.keyFile(), "topic up/# out 1", "topic down/# in 1");
        remote.awaitLine("New bridge connected from .* as site1 \\(p2, c0, k60, u'site1'\\)", WAIT);
        await().atMost(WAIT).until(() -> midge.broker().bridges().get(0).status().connected());
        remote.awaitLine("Sending SUBACK to site1", WAIT);

        IssuedCertificate reader = pki.device("reader");
        MosquittoClients.Options onRemote = MosquittoClients.options(remote.port()).cafile(pki.caFile())
                .cert(reader.certFile(), reader.keyFile());
        RunningSubscriber remoteSub = subscribe(onRemote, "up/#");
        RunningSubscriber localSub = subscribe(MosquittoClients.options(plain), "down/#");
        assertEquals(0, MosquittoClients.publish(MosquittoClients.options(plain), "-q", "1", "-t", "up/t", "-m", "out")
                .exitCode());
        assertEquals(0, MosquittoClients.publish(onRemote, "-q", "1", "-t", "down/c", "-m", "in").exitCode());

        assertEquals("up/t out", remoteSub.awaitLine(WAIT));
        assertEquals("down/c in", localSub.awaitLine(WAIT));
    }

    @Test
    void mosquittoBridgesToMidgeWithACertificateFromItsCa() throws Exception {
        int tlsPort = Ports.freePort();
        int plain = Ports.freePort();
        try (LogCapture log = LogCapture.of("dev.midge")) {
            midge("listener " + plain + " 127.0.0.1", "allow_anonymous true",
                    "listener " + tlsPort + " 127.0.0.1", String.join("\n", tlsListener()));
            IssuedCertificate site = pki.device("site9");
            MosquittoBroker mosquitto = MosquittoBroker.start(dir, "site", "allow_anonymous true",
                    "connection to-midge", "address localhost:" + tlsPort, "remote_clientid site9",
                    "bridge_cafile " + pki.caFile(), "bridge_certfile " + site.chainFile(),
                    "bridge_keyfile " + site.keyFile(), "topic # out 1");
            open.add(mosquitto);
            assertNotNull(log.awaitOneLine("New bridge connected from", "as site9", "u'site9'"));

            RunningSubscriber onMidge = subscribe(MosquittoClients.options(plain), "sensors/#");
            assertEquals(0, MosquittoClients.publish(MosquittoClients.options(mosquitto.port()), "-q", "1",
                    "-t", "sensors/t", "-m", "22").exitCode());
            assertEquals("sensors/t 22", onMidge.awaitLine(WAIT));
        }
    }

    private static final String SITE_KEY = "00112233445566778899aabbccddeeff";

    @Test
    void midgeBridgesToMosquittoOverTlsPsk() throws Exception {
        Path psk = Files.writeString(dir.resolve("psk"), "site1:" + SITE_KEY + "\n");
        MosquittoBroker remote = MosquittoBroker.start(dir, "remote", "psk_hint cloud", "psk_file " + psk,
                "use_identity_as_username true");
        open.add(remote);
        int plain = Ports.freePort();
        RunningBroker midge = midge("listener " + plain + " 127.0.0.1", "allow_anonymous true",
                "connection cloud", "address 127.0.0.1:" + remote.port(), "remote_clientid site1",
                "bridge_identity site1", "bridge_psk " + SITE_KEY, "topic up/# out 1", "topic down/# in 1");
        remote.awaitLine("New bridge connected from .* as site1 \\(p2, c0, k60, u'site1'\\)", WAIT);
        await().atMost(WAIT).until(() -> midge.broker().bridges().get(0).status().connected());
        remote.awaitLine("Sending SUBACK to site1", WAIT);

        MosquittoClients.Options onRemote = MosquittoClients.options(remote.port()).psk("site1", SITE_KEY);
        RunningSubscriber remoteSub = subscribe(onRemote, "up/#");
        RunningSubscriber localSub = subscribe(MosquittoClients.options(plain), "down/#");
        assertEquals(0, MosquittoClients.publish(MosquittoClients.options(plain), "-q", "1", "-t", "up/t", "-m", "out")
                .exitCode());
        assertEquals(0, MosquittoClients.publish(onRemote, "-q", "1", "-t", "down/c", "-m", "in").exitCode());

        assertEquals("up/t out", remoteSub.awaitLine(WAIT));
        assertEquals("down/c in", localSub.awaitLine(WAIT));
    }

    @Test
    void mosquittoBridgesToMidgeOverTlsPsk() throws Exception {
        Path psk = Files.writeString(dir.resolve("psk"), "site9:" + SITE_KEY + "\n");
        int pskPort = Ports.freePort();
        int plain = Ports.freePort();
        try (LogCapture log = LogCapture.of("dev.midge")) {
            midge("psk_file " + psk, "listener " + plain + " 127.0.0.1", "allow_anonymous true",
                    "listener " + pskPort + " 127.0.0.1", "psk_hint midge", "use_identity_as_username true");
            MosquittoBroker mosquitto = MosquittoBroker.start(dir, "site", "allow_anonymous true",
                    "connection to-midge", "address 127.0.0.1:" + pskPort, "remote_clientid site9",
                    "bridge_identity site9", "bridge_psk " + SITE_KEY, "topic # out 1");
            open.add(mosquitto);
            assertNotNull(log.awaitOneLine("New bridge connected from", "as site9", "u'site9'"));

            RunningSubscriber onMidge = subscribe(MosquittoClients.options(plain), "sensors/#");
            assertEquals(0, MosquittoClients.publish(MosquittoClients.options(mosquitto.port()), "-q", "1",
                    "-t", "sensors/t", "-m", "22").exitCode());
            assertEquals("sensors/t 22", onMidge.awaitLine(WAIT));
        }
    }

    @Test
    void aRemoteWithACertificateFromAnotherCaIsRefused() throws Exception {
        MosquittoBroker remote = MosquittoBroker.start(dir, "remote", tlsListener());
        open.add(remote);
        IssuedCertificate site = pki.device("site1");
        try (LogCapture log = LogCapture.of("dev.midge")) {
            RunningBroker midge = midge("listener " + Ports.freePort() + " 127.0.0.1", "connection cloud",
                    "address localhost:" + remote.port(), "restart_timeout 30",
                    "bridge_cafile " + pki.foreignCaFile(), "bridge_certfile " + site.chainFile(),
                    "bridge_keyfile " + site.keyFile(), "topic # out 1");
            String line = log.awaitOneLine("Bridge cloud could not connect to localhost:" + remote.port());
            BridgeStatus status = midge.broker().bridges().get(0).status();
            assertTrue(!status.connected() && status.lastError() != null, status.toString());
            assertTrue(line.contains("unable to find valid certification path"), line);
        }
    }
}

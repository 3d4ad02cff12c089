package dev.midge.cli;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoBroker;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Bridges through {@code java -jar broker.jar -c}: the reference TLS bridge block of a
 * mosquitto.conf, unchanged but for the remote's address (the bridge presents a certificate
 * Midge's own CA issued with {@code device add}, to a real mosquitto that trusts that CA, and
 * topic # both 1 carries messages both ways); and with persistence, what Midge acknowledged
 * while the remote was down is bridged after a kill -9, in order and once.
 */
class BridgeIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void theReferenceTlsBridgeBlockWorksThroughTheJar() throws Exception {
        SecureDefault data = DataDirectory.openOrInitialize(work.resolve("data"), 8883);
        for (String id : new String[] {"site1", "reader"}) {
            BrokerProcess.Result add = BrokerProcess.run(work, "device", "add", id, "--data", "data", "--out", "certs");
            assertEquals(0, add.exitCode(), add.output());
        }
        // The remote: mosquitto with a server certificate of the same CA, requiring client certificates.
        // A copy of the key it can read after dropping to user mosquitto (Midge keeps its own 0600).
        Path serverKey = Files.copy(data.serverKey(), work.resolve("remote-server.key"));
        Files.setPosixFilePermissions(serverKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (MosquittoBroker remote = MosquittoBroker.start(work, "remote", "cafile " + data.caChain(),
                "certfile " + data.serverCertificate(), "keyfile " + serverKey, "require_certificate true",
                "use_identity_as_username true")) {
            int local = Ports.freePort();
            Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                    listener %d 127.0.0.1
                    allow_anonymous true

                    connection mybridge
                    address localhost:%d
                    bridge_cafile certs/ca.crt
                    bridge_certfile certs/site1.crt
                    bridge_keyfile certs/site1.key
                    topic # both 1
                    """.formatted(local, remote.port()));
            try (BrokerProcess midge = BrokerProcess.start(work, "-c", conf.toString())) {
                midge.awaitLine("Bridge mybridge connected to localhost:" + remote.port(), WAIT);
                remote.awaitLine("New bridge connected from .* as .*\\.mybridge \\(p2, c0, k60, u'site1'\\)", WAIT);
                remote.awaitLine("Sending SUBACK to .*\\.mybridge", WAIT);

                MosquittoClients.Options onRemote = MosquittoClients.options(remote.port())
                        .cafile(work.resolve("certs/ca.crt"))
                        .cert(work.resolve("certs/reader.crt"), work.resolve("certs/reader.key"));
                MosquittoClients.Options onMidge = MosquittoClients.options(local);
                try (RunningSubscriber remoteSub = MosquittoClients.subscribe(onRemote, "-v", "-t", "site/#");
                     RunningSubscriber localSub = MosquittoClients.subscribe(onMidge, "-v", "-t", "cloud/#")) {
                    assertNotNull(remoteSub.awaitSubscribed(WAIT), remoteSub.stderr());
                    assertNotNull(localSub.awaitSubscribed(WAIT), localSub.stderr());

                    assertEquals(0, MosquittoClients.publish(onMidge, "-q", "1", "-t", "site/t", "-m", "up").exitCode());
                    assertEquals(0, MosquittoClients.publish(onRemote, "-q", "1", "-t", "cloud/c", "-m", "down")
                            .exitCode());

                    assertEquals("site/t up", remoteSub.awaitLine(WAIT));
                    assertEquals("cloud/c down", localSub.awaitLine(WAIT));
                }
            }
        }
    }

    @Test
    void whatWasAcknowledgedToAPublisherIsBridgedAfterAKill9WithPersistence() throws Exception {
        try (MosquittoBroker remote = MosquittoBroker.start(work, "remote", "allow_anonymous true", "persistence true",
                "persistence_location " + work.resolve("remote") + "/")) {
            // The remote's persistent subscriber exists before anything is bridged; then the remote goes down.
            MosquittoClients.Options onRemote = MosquittoClients.options(remote.port());
            try (RunningSubscriber counter = MosquittoClients.subscribe(onRemote, "-q", "1", "-c", "-i", "counter",
                    "-t", "data/#")) {
                assertNotNull(counter.awaitSubscribed(WAIT), counter.stderr());
            }
            remote.stop();
            int local = Ports.freePort();
            Path conf = Files.writeString(work.resolve("persistent.conf"), """
                    listener %d 127.0.0.1
                    allow_anonymous true
                    persistence true
                    persistence_location %s
                    connection cloud
                    address 127.0.0.1:%d
                    remote_clientid site1
                    restart_timeout 1
                    topic data/# out 1
                    """.formatted(local, Files.createDirectories(work.resolve("store")), remote.port()));
            int total = 20;
            try (BrokerProcess midge = BrokerProcess.start(work, "-c", conf.toString())) {
                midge.awaitLine("Bridge cloud could not connect to 127.0.0.1:" + remote.port(), WAIT);
                for (int i = 1; i <= total; i++) {
                    // -q 1: mosquitto_pub exits 0 only once Midge sent PUBACK.
                    assertEquals(0, MosquittoClients.publish(MosquittoClients.options(local), "-q", "1", "-t", "data/n",
                            "-m", Integer.toString(i)).exitCode());
                }
                midge.crash();
            }
            try (BrokerProcess midge = BrokerProcess.start(work, "-c", conf.toString())) {
                remote.restart();
                midge.awaitLine("Bridge cloud connected to 127.0.0.1:" + remote.port(), WAIT);
                // Everything is with the remote (queued for the offline subscriber) before it reconnects.
                org.awaitility.Awaitility.await().atMost(WAIT).until(() -> remote.output().lines()
                        .filter(l -> l.contains("Received PUBLISH from site1") && l.contains("'data/n'")).count() >= total);
                try (RunningSubscriber counter = MosquittoClients.subscribe(onRemote, "-q", "1", "-c", "-i", "counter",
                        "-t", "data/#")) {
                    for (int i = 1; i <= total; i++) {
                        assertEquals(Integer.toString(i), counter.awaitLine(WAIT), "message " + i + " in order");
                    }
                    assertEquals(0, MosquittoClients.publish(onRemote, "-q", "1", "-t", "data/marker", "-m", "end")
                            .exitCode());
                    assertEquals("end", counter.awaitLine(WAIT), "no message arrived twice");
                }
            }
        }
    }
}

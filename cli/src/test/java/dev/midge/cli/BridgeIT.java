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
 * The reference TLS bridge block of a mosquitto.conf, unchanged but for the remote's address,
 * through {@code java -jar broker.jar -c}: the bridge presents a certificate Midge's own CA
 * issued with {@code device add}, to a real mosquitto that trusts that CA, and topic # both 1
 * carries messages both ways.
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
}

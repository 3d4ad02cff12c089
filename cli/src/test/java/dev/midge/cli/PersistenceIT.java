package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the broker acknowledged survives kill -9 of broker.jar (mosquitto would lose it until its next autosave). */
class PersistenceIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void acknowledgedMessagesSurviveSigkill() throws Exception {
        int port = Ports.freePort();
        Path conf = Files.writeString(work.resolve("persist.conf"), """
                listener %d 127.0.0.1
                allow_anonymous true
                persistence true
                persistence_location %s
                """.formatted(port, work.resolve("store")));
        Files.createDirectories(work.resolve("store"));
        MosquittoClients.Options keeper = MosquittoClients.options(port).clientId("keeper").qos(1).add("-c");

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            try (RunningSubscriber offline = MosquittoClients.subscribe(keeper, "-t", "q/#", "-v")) {
                assertNotNull(offline.awaitSubscribed(WAIT), offline::stderr);
            }
            broker.awaitLine("Client keeper .*", WAIT);
            ProcessResult retained = MosquittoClients.publish(MosquittoClients.options(port),
                    "-t", "r/1", "-m", "kept", "-r", "-q", "1");
            assertEquals(0, retained.exitCode(), retained::toString);
            for (int i = 1; i <= 5; i++) {
                // mosquitto_pub exits 0 only after the PUBACK: from here on the message is promised.
                ProcessResult published = MosquittoClients.publish(MosquittoClients.options(port),
                        "-t", "q/" + i, "-m", "m" + i, "-q", "1");
                assertEquals(0, published.exitCode(), published::toString);
            }
            broker.crash();
        }

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            try (RunningSubscriber resumed = MosquittoClients.subscribe(keeper, "-t", "q/#", "-v")) {
                for (int i = 1; i <= 5; i++) {
                    assertEquals("q/" + i + " m" + i, resumed.awaitLine(WAIT), resumed::stderr);
                }
            }
            try (RunningSubscriber fresh = MosquittoClients.subscribe(MosquittoClients.options(port), "-t", "r/1", "-v")) {
                assertEquals("r/1 kept", fresh.awaitLine(WAIT), fresh::stderr);
            }
        }
    }

    @Test
    void aCorruptStoreStopsStartupNamingTheFile() throws Exception {
        int port = Ports.freePort();
        Path store = Files.createDirectories(work.resolve("store"));
        Files.write(store.resolve("midge.mv.db"), new byte[4096]);
        Path conf = Files.writeString(work.resolve("persist.conf"), """
                listener %d 127.0.0.1
                persistence true
                persistence_location %s
                """.formatted(port, store));
        BrokerProcess.Result result = BrokerProcess.run(work, "-c", conf.toString());
        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains("midge.mv.db"), result.output());
        assertTrue(!result.output().contains("\tat "), "no stack trace:\n" + result.output());
    }
}

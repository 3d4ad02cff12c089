package dev.midge.cli.run;

import dev.midge.conf.MosquittoConf;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** message_size_limit and max_keepalive as the real mosquitto clients see them: as with mosquitto. */
class MosquittoLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private RunningBroker running;
    private int port;

    @BeforeEach
    void start() throws Exception {
        port = Ports.freePort();
        Path conf = Files.writeString(dir.resolve("midge.conf"), String.join("\n", "listener " + port + " 127.0.0.1",
                "allow_anonymous true", "message_size_limit 100", "max_keepalive 60", ""));
        running = BrokerAssembly.start(MosquittoConf.parse(conf).config());
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    @Test
    void anOverLimitV5PublishIsRefusedWithPacketTooLargeAndNotDelivered() throws Exception {
        try (RunningSubscriber sub = MosquittoClients.subscribe(MosquittoClients.options(port), "-t", "t/#", "-v")) {
            assertNotNull(sub.awaitSubscribed(WAIT), sub.stderr());
            ProcessResult big = MosquittoClients.publish(MosquittoClients.options(port).mqtt5().qos(1),
                    "-t", "t/big", "-m", "x".repeat(300));
            assertTrue(big.stderr().contains("Packet too large"), big.toString()); // PUBACK 0x95, as from mosquitto
            // Its PUBACK came before this one connects: had it been routed, it would arrive first.
            ProcessResult small = MosquittoClients.publish(MosquittoClients.options(port).mqtt5().qos(1),
                    "-t", "t/small", "-m", "fits");
            assertEquals(0, small.exitCode(), small.toString());
            assertEquals("t/small fits", sub.awaitLine(WAIT), sub.stderr());
        }
    }

    @Test
    void aV311ClientAskingForMoreThanMaxKeepaliveIsAccepted() {
        ProcessResult r = MosquittoClients.publish(MosquittoClients.options(port).add("-V", "mqttv311", "-k", "120"),
                "-t", "t", "-m", "x");
        assertEquals(0, r.exitCode(), r.toString());
    }
}

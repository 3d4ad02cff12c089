package dev.midge.cli.run;

import dev.midge.conf.MosquittoConf;
import dev.midge.testing.MosquittoBroker;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.AfterEach;
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

/**
 * Two brokers bridged both ways on {@code #}: every message arrives once on each side, never
 * echoed back. Midge ↔ Midge over MQTT 3.1.1 with mosquitto's bridge mark (try_private) and over
 * MQTT 5 with no-local; and the real mosquitto bridging into Midge, which must recognise its mark.
 * A duplicate would arrive before the marker that is published after it on the far side, since
 * both travel the same bridge connection in order.
 */
class BridgeLoopTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private int midge(String name, String... lines) throws Exception {
        int port = Ports.freePort();
        Path conf = Files.writeString(dir.resolve(name + ".conf"), "listener " + port + " 127.0.0.1\n"
                + "allow_anonymous true\n" + String.join("\n", lines) + "\n");
        RunningBroker broker = BrokerAssembly.start(MosquittoConf.parse(conf).config());
        open.add(broker);
        if (lines.length > 0) {
            await().atMost(WAIT).until(() -> broker.broker().bridges().get(0).status().connected());
        }
        return port;
    }

    private RunningSubscriber subscribe(int port) throws InterruptedException {
        RunningSubscriber sub = MosquittoClients.subscribe(MosquittoClients.options(port), "-v", "-q", "1", "-t", "#");
        open.add(sub);
        assertNotNull(sub.awaitSubscribed(WAIT), sub.stderr());
        return sub;
    }

    private static void publish(int port, String topic, String message) {
        assertEquals(0, MosquittoClients.publish(MosquittoClients.options(port), "-q", "1", "-t", topic, "-m", message)
                .exitCode());
    }

    /** a publishes, then b, then a again: each side sees each message once, in that order. */
    private static void eachMessageArrivesOnce(int a, RunningSubscriber onA, int b, RunningSubscriber onB)
            throws InterruptedException {
        publish(a, "t/1", "from-a");
        assertEquals("t/1 from-a", onB.awaitLine(WAIT));
        publish(b, "t/2", "from-b");
        assertEquals("t/1 from-a", onA.awaitLine(WAIT));
        assertEquals("t/2 from-b", onA.awaitLine(WAIT), "from-a came back to a");
        publish(a, "t/3", "marker");
        assertEquals("t/2 from-b", onB.awaitLine(WAIT), "from-a arrived twice on b");
        assertEquals("t/3 marker", onB.awaitLine(WAIT), "from-b came back to b");
        assertEquals("t/3 marker", onA.awaitLine(WAIT));
    }

    @Test
    void midgeToMidgeWithTheBridgeMarkDoesNotPingPong() throws Exception {
        int b = midge("b");
        int a = midge("a", "connection to-b", "address 127.0.0.1:" + b, "topic # both 1");
        eachMessageArrivesOnce(a, subscribe(a), b, subscribe(b));
    }

    @Test
    void midgeToMidgeOverMqtt5WithNoLocalDoesNotPingPong() throws Exception {
        int b = midge("b");
        int a = midge("a", "connection to-b", "address 127.0.0.1:" + b, "topic # both 1",
                "bridge_protocol_version mqttv50", "try_private false");
        eachMessageArrivesOnce(a, subscribe(a), b, subscribe(b));
    }

    @Test
    void mosquittoBridgingIntoMidgeIsRecognisedAsABridge() throws Exception {
        int midge = midge("midge");
        MosquittoBroker mosquitto = MosquittoBroker.start(dir, "mosquitto", "allow_anonymous true",
                "connection to-midge", "address 127.0.0.1:" + midge, "remote_clientid site9", "topic # both 1");
        open.add(mosquitto);
        RunningSubscriber onMidge = subscribe(midge);
        RunningSubscriber onMosquitto = subscribe(mosquitto.port());
        // The bridge's subscription is in place once mosquitto's notification arrives on Midge.
        RunningSubscriber state = MosquittoClients.subscribe(MosquittoClients.options(midge), "-v", "-t",
                "$SYS/broker/connection/site9/state");
        open.add(state);
        assertEquals("$SYS/broker/connection/site9/state 1", state.awaitLine(WAIT));

        eachMessageArrivesOnce(midge, onMidge, mosquitto.port(), onMosquitto);
    }
}

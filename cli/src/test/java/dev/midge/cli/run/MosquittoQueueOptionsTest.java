package dev.midge.cli.run;

import dev.midge.conf.MosquittoConf;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * upgrade_outgoing_qos, queue_qos0_messages and overlapping subscriptions as the real mosquitto
 * clients see them: as with mosquitto 2.0.
 */
class MosquittoQueueOptionsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private RunningBroker running;
    private int port;

    private void start(String... options) throws Exception {
        port = Ports.freePort();
        List<String> lines = new ArrayList<>(List.of("listener " + port + " 127.0.0.1", "allow_anonymous true"));
        lines.addAll(List.of(options));
        Path conf = Files.writeString(dir.resolve("midge.conf"), String.join("\n", lines) + "\n");
        running = BrokerAssembly.start(MosquittoConf.parse(conf).config());
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    /** "QOS TOPIC PAYLOAD" of the first message a QoS 2 subscriber gets for a QoS 0 publish. */
    private String qosSeenForAQos0Publish() throws Exception {
        try (RunningSubscriber sub = MosquittoClients.subscribe(MosquittoClients.options(port).qos(2),
                "-t", "t/#", "-F", "%q %t %p")) {
            assertNotNull(sub.awaitSubscribed(WAIT), sub.stderr());
            ProcessResult pub = MosquittoClients.publish(MosquittoClients.options(port), "-t", "t/a", "-m", "x");
            assertEquals(0, pub.exitCode(), pub.toString());
            return sub.awaitLine(WAIT);
        }
    }

    @Test
    void upgradeOutgoingQosGivesSubscribersTheirSubscriptionsQos() throws Exception {
        start("upgrade_outgoing_qos true");
        assertEquals("2 t/a x", qosSeenForAQos0Publish());
    }

    @Test
    void withoutUpgradeOutgoingQosTheLowerQosApplies() throws Exception {
        start();
        assertEquals("0 t/a x", qosSeenForAQos0Publish());
    }

    /** The first message a persistent client gets on reconnecting after QoS 0 and then QoS 1 were published. */
    private String firstQueuedMessage() throws Exception {
        ProcessResult subscribed = MosquittoClients.run(List.of(MosquittoClients.options(port).clientId("keeper")
                .qos(1).add("-c", "-t", "q/#", "-E").args()).stream()
                .collect(() -> new ArrayList<>(List.of("mosquitto_sub")), ArrayList::add, ArrayList::addAll),
                MosquittoClients.TIMEOUT);
        assertEquals(0, subscribed.exitCode(), subscribed.toString());
        assertEquals(0, MosquittoClients.publish(MosquittoClients.options(port), "-t", "q/a", "-m", "zero").exitCode());
        assertEquals(0, MosquittoClients.publish(MosquittoClients.options(port).qos(1), "-t", "q/b", "-m", "one")
                .exitCode());
        try (RunningSubscriber back = MosquittoClients.subscribe(MosquittoClients.options(port).clientId("keeper")
                .qos(1), "-c", "-t", "q/#", "-v")) {
            return back.awaitLine(WAIT) + " / " + back.awaitLine(WAIT);
        }
    }

    @Test
    void queueQos0MessagesKeepsQos0ForADisconnectedPersistentClientInOrder() throws Exception {
        start("queue_qos0_messages true");
        assertEquals("q/a zero / q/b one", firstQueuedMessage());
    }

    @Test
    void withoutQueueQos0MessagesOnlyQos1WaitsForADisconnectedClient() throws Exception {
        start();
        assertEquals("q/b one", firstQueuedMessage().substring(0, "q/b one".length()));
    }

    @Test
    void overlappingSubscriptionsGiveAV5ClientOneCopyEachAndA311ClientOne() throws Exception {
        start();
        try (RunningSubscriber v5 = MosquittoClients.subscribe(MosquittoClients.options(port).mqtt5().qos(1),
                "-t", "o/#", "-t", "o/+", "-v");
             RunningSubscriber v311 = MosquittoClients.subscribe(MosquittoClients.options(port).qos(1),
                     "-t", "o/#", "-t", "o/+", "-v")) {
            assertNotNull(v5.awaitSubscribed(WAIT), v5.stderr());
            assertNotNull(v311.awaitSubscribed(WAIT), v311.stderr());
            MosquittoClients.publish(MosquittoClients.options(port).qos(1), "-t", "o/a", "-m", "first");
            MosquittoClients.publish(MosquittoClients.options(port).qos(1), "-t", "o/b", "-m", "next");
            // mosquitto 2.0.11 sends the same: two copies to the v5 client, one to the 3.1.1 client.
            assertEquals(List.of("o/a first", "o/a first", "o/b next"),
                    List.of(v5.awaitLine(WAIT), v5.awaitLine(WAIT), v5.awaitLine(WAIT)));
            assertEquals(List.of("o/a first", "o/b next"), List.of(v311.awaitLine(WAIT), v311.awaitLine(WAIT)));
        }
    }
}

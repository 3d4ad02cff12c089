package dev.midge.broker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durability across a real crash: a broker in a child JVM acknowledges messages, is killed
 * with SIGKILL, and a new one on the same directory must hand out everything it acknowledged.
 */
class CrashRecoveryTest {

    private static final int BURST = 50;
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void acknowledgedRetainedAndQueuedMessagesSurviveAKill() throws Exception {
        try (BrokerProcess first = startBroker(dir)) {
            Mqtt3BlockingClient subscriber = v3("sub-1", port(first));
            subscriber.connectWith().cleanSession(false).send();
            subscriber.subscribeWith().topicFilter("queue/#").qos(MqttQos.AT_LEAST_ONCE).send();
            subscriber.disconnect();

            Mqtt5BlockingClient publisher = v5("pub-1", port(first));
            publisher.connect();
            // Blocking publishes return after the PUBACK/PUBCOMP: each of these was acknowledged.
            publisher.publishWith().topic("retained/a").payload(bytes("ra")).qos(MqttQos.AT_LEAST_ONCE).retain(true).send();
            publisher.publishWith().topic("retained/b").payload(bytes("rb")).qos(MqttQos.EXACTLY_ONCE).retain(true).send();
            // A burst without waiting in between, then the kill right after the last acknowledgement:
            // an acknowledgement sent before the disk write would lose the tail of the burst.
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 1; i <= BURST; i++) {
                acks.add(publisher.toAsync().publishWith().topic("queue/" + i).payload(bytes("m" + i))
                        .qos(i % 2 == 0 ? MqttQos.EXACTLY_ONCE : MqttQos.AT_LEAST_ONCE).send());
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            first.crash();
        }

        try (BrokerProcess second = startBroker(dir)) {
            String port = String.valueOf(port(second));
            List<String> queued = mosquittoSub("-p", port, "-c", "-i", "sub-1", "-q", "1", "-t", "queue/#", "-v",
                    "-C", String.valueOf(BURST));
            assertEquals(IntStream.rangeClosed(1, BURST).mapToObj(i -> "queue/" + i + " m" + i).toList(), queued);
            List<String> retained = mosquittoSub("-p", port, "-t", "retained/#", "-v", "-C", "2");
            assertEquals(List.of("retained/a ra", "retained/b rb"), retained.stream().sorted().toList());
        }
    }

    @Test
    void messageInFlightAtTheCrashIsRedeliveredWithDupUnderItsPacketId() throws Exception {
        int packetId;
        try (BrokerProcess first = startBroker(dir); RawClient device = new RawClient(port(first))) {
            device.send(RawClient.connect("dev-1", false));
            assertEquals(2, device.read().type()); // CONNACK
            device.send(RawClient.subscribe(1, "cmd/#", 1));
            assertEquals(9, device.read().type()); // SUBACK

            Mqtt3BlockingClient app = v3("app-1", port(first));
            app.connect();
            app.publishWith().topic("cmd/reboot").payload(bytes("now")).qos(MqttQos.AT_LEAST_ONCE).send();
            RawClient.Packet publish = device.read();
            assertEquals(3, publish.type());
            assertEquals(0, publish.flags() & 0x08, "first delivery has DUP 0");
            packetId = RawClient.packetIdOfPublish(publish);
            // The device never sends PUBACK: the message is in flight when the broker dies.
            first.crash();
        }

        try (BrokerProcess second = startBroker(dir); RawClient device = new RawClient(port(second))) {
            device.send(RawClient.connect("dev-1", false));
            RawClient.Packet connack = device.read();
            assertEquals(2, connack.type());
            assertEquals(1, connack.body()[0] & 0x01, "session present");
            RawClient.Packet again = device.read();
            assertEquals(3, again.type());
            assertNotEquals(0, again.flags() & 0x08, "redelivery has DUP 1");
            assertEquals(packetId, RawClient.packetIdOfPublish(again));
            assertTrue(new String(again.body(), StandardCharsets.UTF_8).contains("cmd/reboot"));
            device.send(RawClient.puback(packetId));
            device.send(RawClient.disconnect());
        }
    }

    @Test
    void subscriptionsAcknowledgedBeforeTheKillSurviveIt() throws Exception {
        int filters = 20;
        try (BrokerProcess first = startBroker(dir); RawClient device = new RawClient(port(first))) {
            device.send(RawClient.connect("dev-2", false));
            assertEquals(2, device.read().type()); // CONNACK
            // A burst of SUBSCRIBEs, then the kill right after the last SUBACK: a SUBACK sent
            // before the session's subscriptions reached the disk would lose the last ones.
            for (int i = 1; i <= filters; i++) {
                device.send(RawClient.subscribe(i, "sensor/" + i, 1));
            }
            for (int i = 1; i <= filters; i++) {
                assertEquals(9, device.read().type()); // SUBACK
            }
            first.crash();
        }

        try (BrokerProcess second = startBroker(dir)) {
            Mqtt3BlockingClient app = v3("app-2", port(second));
            app.connect();
            for (int i = 1; i <= filters; i++) {
                app.publishWith().topic("sensor/" + i).payload(bytes("v" + i)).qos(MqttQos.AT_LEAST_ONCE).send();
            }
            app.disconnect();
            List<String> queued = mosquittoSub("-p", String.valueOf(port(second)), "-c", "-i", "dev-2", "-q", "1",
                    "-t", "unused/filter", "-v", "-C", String.valueOf(filters));
            assertEquals(IntStream.rangeClosed(1, filters).mapToObj(i -> "sensor/" + i + " v" + i).toList(), queued);
        }
    }

    @Test
    void corruptStoreStopsStartUpNamingTheFile() throws Exception {
        Path file = dir.resolve("midge.mv.db");
        Files.write(file, "this is not an MVStore file, it is garbage ".repeat(200).getBytes(StandardCharsets.UTF_8));
        try (BrokerProcess broker = startBroker(dir)) {
            String refusal = broker.awaitLine("^REFUSED ", START);
            assertEquals(3, broker.awaitExit(START));
            assertTrue(refusal.contains(file.toString()) && refusal.contains("unreadable"), refusal);
        }
        assertTrue(Files.exists(file), "the corrupt store is left where it was");
    }

    private static List<String> mosquittoSub(String... args) {
        List<String> command = new ArrayList<>(List.of("mosquitto_sub", "-h", "127.0.0.1", "-W", "10"));
        command.addAll(List.of(args));
        ProcessResult r = MosquittoClients.run(command, Duration.ofSeconds(20));
        assertEquals(0, r.exitCode(), r.toString());
        return r.stdout().trim().lines().toList();
    }

    /** {@link PersistentBrokerProcess} in a child JVM, so a test can SIGKILL it. */
    private static BrokerProcess startBroker(Path dir) throws IOException {
        return BrokerProcess.startMain(PersistentBrokerProcess.class, dir.toString());
    }

    /** Its port, once it printed READY PORT (it prints REFUSED why when it cannot start). */
    private static int port(BrokerProcess broker) throws InterruptedException {
        String line = broker.awaitLine("^(READY|REFUSED) ", START);
        if (!line.startsWith("READY ")) {
            throw new AssertionError("the broker did not start:\n" + broker.output());
        }
        return Integer.parseInt(line.substring("READY ".length()).trim());
    }

    private static Mqtt3BlockingClient v3(String id, int port) {
        return MqttClient.builder().useMqttVersion3().identifier(id).serverHost("127.0.0.1").serverPort(port).buildBlocking();
    }

    private static Mqtt5BlockingClient v5(String id, int port) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port).buildBlocking();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

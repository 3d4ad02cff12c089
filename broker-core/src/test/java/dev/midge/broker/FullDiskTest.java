package dev.midge.broker;

import dev.midge.testing.SmallDisk;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubRecException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRecReasonCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store on a filesystem that really fills up: a 4 MiB tmpfs, filled with a ballast file.
 * Needs root to mount (as in CI); skipped with the reason otherwise.
 */
class FullDiskTest extends BrokerTest {

    @TempDir
    Path tmp;

    private Path disk;
    private SmallDisk smallDisk;
    private final ListAppender<ILoggingEvent> storeLog = new ListAppender<>();
    private final Logger storeLogger = (Logger) LoggerFactory.getLogger("dev.midge.broker.persist");

    @BeforeEach
    void mountSmallDisk() throws Exception {
        smallDisk = SmallDisk.mount(tmp.resolve("disk"));
        disk = smallDisk.dir();
        storeLog.start();
        storeLogger.addAppender(storeLog);
    }

    @AfterEach
    void unmount() throws Exception {
        storeLogger.detachAppender(storeLog);
        if (broker != null) {
            broker.close(); // before the unmount: the store's file is open
            broker = null;
        }
        if (smallDisk != null) {
            smallDisk.close();
        }
    }

    @Test
    void whileTheDiskIsFullQosOneAndTwoAreRefusedAndOnceFreedTheyAreAcceptedAndSurviveARestart() throws Exception {
        start(b -> b.persistence(disk));
        Mqtt5BlockingClient sub = v5("sub");
        sub.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        sub.subscribeWith().topicFilter("t/#").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        awaitGone("sub");
        Mqtt5BlockingClient pub = v5("pub");
        pub.connect();
        publish(pub, "t/a", "before the disk filled", MqttQos.AT_LEAST_ONCE);

        Set<String> expected = new HashSet<>(Set.of("before the disk filled"));
        Path ballast = smallDisk.fill();
        CompletableFuture<String> caughtByTheFailure = breakTheStore(expected);
        assertTrue(logged("Cannot write the persistent store " + disk.resolve("midge.mv.db")),
                "one line names the file: " + lines());
        assertTrue(logged("No space left on device"), "and the cause: " + lines());

        Mqtt5PubAckException puback = assertThrows(Mqtt5PubAckException.class,
                () -> publish(pub, "t/a", "refused qos 1", MqttQos.AT_LEAST_ONCE));
        assertEquals(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED, puback.getMqttMessage().getReasonCode());
        Mqtt5PubRecException pubrec = assertThrows(Mqtt5PubRecException.class,
                () -> publish(pub, "t/a", "refused qos 2", MqttQos.EXACTLY_ONCE));
        assertEquals(Mqtt5PubRecReasonCode.QUOTA_EXCEEDED, pubrec.getMqttMessage().getReasonCode());

        // 3.1.1 has no negative PUBACK: the broker closes the connection without one, and the
        // client sends the message again each time it reconnects, until it is accepted.
        AtomicInteger disconnects = new AtomicInteger();
        Mqtt3AsyncClient v3 = MqttClient.builder().useMqttVersion3().identifier("pub3")
                .serverHost("127.0.0.1").serverPort(broker.port())
                .automaticReconnect().initialDelay(50, TimeUnit.MILLISECONDS).maxDelay(200, TimeUnit.MILLISECONDS).applyAutomaticReconnect()
                .addDisconnectedListener(c -> disconnects.incrementAndGet())
                .buildAsync();
        v3.connectWith().cleanSession(false).send().get(5, TimeUnit.SECONDS);
        CompletableFuture<Mqtt3Publish> v3Publish = v3.publishWith().topic("t/b").payload(bytes("from 3.1.1"))
                .qos(MqttQos.AT_LEAST_ONCE).send();
        await().atMost(Duration.ofSeconds(10)).until(() -> disconnects.get() >= 2);
        assertFalse(v3Publish.isDone(), "not acknowledged while the disk is full");
        assertEquals(1, count("Cannot write the persistent store"), "one line for the failure, not one per message");

        assertFalse(caughtByTheFailure.isDone(), "the message being written when the disk filled waits for the disk");

        Files.delete(ballast);
        await().atMost(Duration.ofSeconds(10)).until(() -> logged("can write again"));
        expected.add(caughtByTheFailure.get(10, TimeUnit.SECONDS)); // rewritten after the reopen, then acknowledged
        publish(pub, "t/a", "after space was freed", MqttQos.AT_LEAST_ONCE);
        v3Publish.get(10, TimeUnit.SECONDS);
        v3.disconnect().get(5, TimeUnit.SECONDS);
        pub.disconnect();

        broker.close();
        start(b -> b.persistence(disk));
        expected.addAll(Set.of("from 3.1.1", "after space was freed"));
        assertEquals(expected, resume("sub", expected.size()));
    }

    @Test
    void aQos2MessageRoutedBeforeTheDiskFilledIsNotRefusedWhenResentAndIsDeliveredOnce() throws Exception {
        start(b -> b.persistence(disk));
        Mqtt5BlockingClient sub = v5("sub");
        sub.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        sub.subscribeWith().topicFilter("t/#").qos(MqttQos.EXACTLY_ONCE).send();
        sub.disconnect();
        awaitGone("sub");
        byte[] payload = new byte[200 * 1024];
        System.arraycopy(bytes("exactly once"), 0, payload, 0, 12);
        Path ballast;
        try (RawClient first = v5Raw("raw")) {
            first.send(v5Publish(0x32, "nobody", 1, new byte[0]));
            assertEquals(0x4, first.read().type(), "PUBACK: the session this connection made is on disk");
            ballast = smallDisk.fill();
            first.send(v5Publish(0x34, "t/q2", 7, payload)); // routed; its write fills the disk
            await().atMost(Duration.ofSeconds(10)).until(() -> logged("Cannot write the persistent store"));
        }
        awaitGone("raw");
        try (RawClient again = v5Raw("raw")) {
            // Resent with DUP while the store still cannot write, then a PINGREQ: a refusal
            // (PUBREC 0x97) would be written before the PINGRESP.
            again.send(RawClient.concat(v5Publish(0x3C, "t/q2", 7, payload), new byte[]{(byte) 0xC0, 0}));
            RawClient.Packet firstReply = again.read();
            assertEquals(0xD, firstReply.type(), "PINGRESP first: the resent message was not refused; got " + java.util.Arrays.toString(firstReply.body()));

            Files.delete(ballast);
            RawClient.Packet pubrec = again.read(); // once the store has rewritten what waited
            assertEquals(0x5, pubrec.type());
            assertEquals(7, RawClient.packetIdOf(pubrec));
            assertTrue(pubrec.body().length == 2 || pubrec.body()[2] == 0, "PUBREC success");
            again.send(RawClient.packet(0x62, new byte[]{0, 7}));
            assertEquals(0x7, again.read().type());
            again.send(RawClient.disconnect());
        }
        awaitGone("raw");
        broker.close();
        start(b -> b.persistence(disk));
        assertEquals(Set.of("exactly once"), resume("sub", 1));
    }

    /** A raw MQTT 5 connection resuming a persistent session (expiry 3600 s). */
    private RawClient v5Raw(String clientId) throws IOException {
        RawClient c = new RawClient(broker.port());
        byte[] properties = {5, 0x11, 0, 0, 0x0E, 0x10};
        c.send(RawClient.packet(0x10, RawClient.concat(RawClient.string("MQTT"), new byte[]{5, 0, 0, 60},
                properties, RawClient.string(clientId))));
        assertEquals(0x2, c.read().type(), "CONNACK");
        return c;
    }

    private static byte[] v5Publish(int header, String topic, int packetId, byte[] payload) {
        return RawClient.packet(header, RawClient.concat(RawClient.string(topic),
                new byte[]{(byte) (packetId >> 8), (byte) packetId, 0}, payload));
    }


    /**
     * Publishes large QoS 1 messages, each making the store grow, until the store's failure
     * line appears; the ones acknowledged before are added to {@code acknowledged}. Returns
     * the acknowledgement of the one whose write failed: that message was routed already.
     */
    private CompletableFuture<String> breakTheStore(Set<String> acknowledged) {
        Mqtt5BlockingClient big = v5("big");
        big.connect();
        for (int i = 0; ; i++) {
            String text = "large " + i;
            byte[] payload = new byte[200 * 1024];
            System.arraycopy(bytes(text), 0, payload, 0, text.length());
            CompletableFuture<String> acked = big.toAsync().publishWith().topic("t/big").payload(payload)
                    .qos(MqttQos.AT_LEAST_ONCE).send().thenApply(r -> {
                        assertTrue(r.getError().isEmpty(), "acknowledged: " + r);
                        return text;
                    });
            await().atMost(Duration.ofSeconds(10)).until(() -> acked.isDone() || logged("Cannot write the persistent store"));
            if (!acked.isDone()) {
                return acked;
            }
            acknowledged.add(acked.join());
        }
    }

    private static void publish(Mqtt5BlockingClient c, String topic, String payload, MqttQos qos) {
        c.publishWith().topic(topic).payload(bytes(payload)).qos(qos).send();
    }

    private Set<String> resume(String id, int count) throws InterruptedException {
        Mqtt5BlockingClient again = v5(id);
        var inbox = again.publishes(MqttGlobalPublishFilter.ALL);
        assertTrue(again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent());
        Set<String> got = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Mqtt5Publish p = inbox.receive(5, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("got only " + got));
            String text = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8).replace("\u0000", "");
            assertTrue(got.add(text), "no duplicate: " + got);
        }
        // The refused ones, had they been routed, were owed and sent on reconnect, before the marker.
        Marker.subscribe(again);
        Marker.assertNext(broker, inbox);
        return got;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private boolean logged(String text) {
        return count(text) > 0;
    }

    private synchronized long count(String text) {
        return lines().stream().filter(l -> l.contains(text)).count();
    }

    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent e : List.copyOf(storeLog.list)) {
            lines.add(e.getFormattedMessage());
        }
        return lines;
    }
}

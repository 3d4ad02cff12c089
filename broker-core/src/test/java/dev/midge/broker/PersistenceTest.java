package dev.midge.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Durable state across a restart of an embedded broker on the same directory. */
class PersistenceTest extends BrokerTest {

    @TempDir
    Path dir;

    private Consumer<BrokerOptions.Builder> extra = b -> { };

    private void startPersistent() throws InterruptedException {
        start(b -> extra.accept(b.persistence(dir)));
    }

    private void restart() throws InterruptedException {
        broker.close();
        startPersistent();
    }

    private void offlineSubscriber(String id, long sessionExpiry, String filter) {
        Mqtt5BlockingClient sub = v5(id);
        sub.connectWith().sessionExpiryInterval(sessionExpiry).send();
        sub.subscribeWith().topicFilter(filter).qos(MqttQos.EXACTLY_ONCE).send();
        sub.disconnect();
        awaitGone(id);
    }

    private void publish(String topic, String payload, Consumer<com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder.Send.Complete<?>> more) {
        Mqtt5BlockingClient pub = v5("pub");
        pub.connect();
        var send = pub.publishWith().topic(topic).payload(bytes(payload)).qos(MqttQos.AT_LEAST_ONCE);
        more.accept(send);
        send.send();
        pub.disconnect();
        awaitGone("pub");
    }

    private void publish(String topic, String payload) {
        publish(topic, payload, s -> { });
    }

    private List<String> resume(String id, int count) throws InterruptedException {
        Mqtt5BlockingClient again = v5(id);
        var inbox = again.publishes(MqttGlobalPublishFilter.ALL);
        Mqtt5ConnAck ack = again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
        assertTrue(ack.isSessionPresent(), "the session was restored");
        List<String> got = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            Mqtt5Publish p = inbox.receive(5, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("got only " + got));
            got.add(text(p));
        }
        // What the session owed is sent on reconnect, before anything published from now.
        Marker.subscribe(again);
        Marker.assertNext(broker, inbox);
        return got;
    }

    @Test
    void persistentSessionKeepsItsSubscriptionAndQueueAcrossARestart() throws Exception {
        startPersistent();
        offlineSubscriber("sub", 3600, "t/#");
        for (int i = 1; i <= 3; i++) {
            publish("t/" + i, "m" + i);
        }
        restart();
        publish("t/4", "after restart");
        assertEquals(List.of("m1", "m2", "m3", "after restart"), resume("sub", 4));
    }

    @Test
    void queueLimitBoundsWhatIsStored() throws Exception {
        extra = b -> b.maxQueuedMessages(2);
        startPersistent();
        offlineSubscriber("sub", 3600, "t");
        for (int i = 1; i <= 4; i++) {
            publish("t", "m" + i);
        }
        restart();
        assertEquals(List.of("m3", "m4"), resume("sub", 2));
    }

    @Test
    void sessionsAndMessagesThatExpiredWhileDownAreDropped() throws Exception {
        startPersistent();
        offlineSubscriber("short-lived", 1, "t");
        offlineSubscriber("sub", 3600, "t");
        publish("t", "expires", s -> s.messageExpiryInterval(1));
        publish("t", "stays");
        broker.close();
        // The broker comes back "two seconds later" by its restore clock, not by waiting.
        extra = b -> b.restoreClock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(2)));
        startPersistent();
        assertEquals(List.of("stays"), resume("sub", 1));
        Mqtt5BlockingClient gone = v5("short-lived");
        assertFalse(gone.connectWith().cleanStart(false).send().isSessionPresent());
    }

    @Test
    void retainedMessagesKeepTheirPropertiesAndAClearedOneStaysCleared() throws Exception {
        startPersistent();
        publish("r/kept", "value", s -> s.retain(true).contentType("text/plain").userProperties()
                .add("k", "v").applyUserProperties());
        publish("r/cleared", "old", s -> s.retain(true));
        publish("r/cleared", "", s -> s.retain(true));
        restart();
        Mqtt5BlockingClient reader = v5("reader");
        reader.connect();
        var inbox = reader.publishes(MqttGlobalPublishFilter.ALL);
        reader.subscribeWith().topicFilter("r/#").send();
        Mqtt5Publish p = inbox.receive(5, TimeUnit.SECONDS).orElseThrow();
        assertEquals("r/kept", p.getTopic().toString());
        assertEquals("value", text(p));
        assertTrue(p.isRetain());
        assertEquals("text/plain", p.getContentType().orElseThrow().toString());
        assertEquals("v", p.getUserProperties().asList().get(0).getValue().toString());
        Marker.subscribe(reader);
        Marker.assertNext(broker, inbox); // retained messages come right after SUBACK: a cleared one would be here
    }

    @Test
    void cleanStartForgetsTheStoredSession() throws Exception {
        startPersistent();
        offlineSubscriber("sub", 3600, "t");
        publish("t", "queued");
        Mqtt5BlockingClient clean = v5("sub");
        clean.connectWith().cleanStart(true).sessionExpiryInterval(0).send();
        clean.disconnect();
        awaitGone("sub");
        restart();
        Mqtt5BlockingClient again = v5("sub");
        assertFalse(again.connectWith().cleanStart(false).send().isSessionPresent());
    }

    @Test
    void unreadableStoreIsRefusedUnlessAskedToMoveItAside() throws Exception {
        Path file = dir.resolve("midge.mv.db");
        Files.write(file, "not a store ".repeat(500).getBytes(StandardCharsets.UTF_8));
        StoreException e = assertThrows(StoreException.class, this::startPersistent);
        assertTrue(e.getMessage().startsWith(file + ": the persistent store is unreadable"), e.getMessage());

        extra = b -> b.discardCorruptStore(true);
        startPersistent();
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("midge.mv.db.corrupt-")));
        }
        publish("r", "fresh", s -> s.retain(true));
        restart();
        Mqtt5BlockingClient reader = v5("reader");
        reader.connect();
        var inbox = reader.publishes(MqttGlobalPublishFilter.ALL);
        reader.subscribeWith().topicFilter("r").send();
        assertEquals("fresh", text(inbox.receive(5, TimeUnit.SECONDS).orElseThrow()));
    }

    @Test
    void qos2PublishResentAfterARestartIsRoutedOnce() throws Exception {
        startPersistent();
        offlineSubscriber("sub", 3600, "t");
        byte[] publish = RawClient.publish("t", 2, 7, bytes("once"));
        try (RawClient device = new RawClient(broker.port())) {
            device.send(RawClient.connect("device", false));
            assertEquals(2, device.read().type()); // CONNACK
            device.send(publish);
            assertEquals(5, device.read().type()); // PUBREC: routed, id held until PUBREL
        }
        awaitGone("device");
        restart();
        try (RawClient device = new RawClient(broker.port())) {
            device.send(RawClient.connect("device", false));
            assertEquals(2, device.read().type());
            publish[0] |= 0x08; // DUP: the device did not see the PUBREC and sends again
            device.send(publish);
            assertEquals(5, device.read().type());
            device.send(RawClient.packet(0x62, new byte[]{0, 7})); // PUBREL
            assertEquals(7, device.read().type()); // PUBCOMP
        }
        assertEquals(List.of("once"), resume("sub", 1));
    }

    @Test
    void secondBrokerOnTheSameDirectoryIsRefused() throws Exception {
        startPersistent();
        StoreException e = assertThrows(StoreException.class, () -> MidgeBroker.start(BrokerOptions.builder()
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1")).persistence(dir).build()));
        assertTrue(e.getMessage().contains("in use by another process"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("midge.mv.db")), "a store in use is never moved aside");
    }

    private static String text(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

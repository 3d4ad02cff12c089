package dev.midge.broker;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Proves that a message did not arrive without waiting for a silence: a marker published
 * after it, on a path that routes it after it, must be the next message the client gets
 * (AclEndToEndTest's shape). A wrongly delivered message therefore fails the test every time,
 * where "nothing within 300 ms" passes whenever the broker is merely slow.
 */
final class Marker {

    /** Not matched by the filters the tests use, except '#'. */
    static final String TOPIC = "marker/next";

    /** Generous: the marker must arrive, so only a broken broker ever waits this long. */
    private static final long DEADLINE_SECONDS = 10;

    private static final AtomicInteger COUNT = new AtomicInteger();

    private Marker() {
    }

    static void subscribe(Mqtt5BlockingClient client) {
        client.subscribeWith().topicFilter(TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
    }

    static void subscribe(Mqtt3BlockingClient client) {
        client.subscribeWith().topicFilter(TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
    }

    /** Publishes a marker from the application (after everything the test thread published so). */
    static void assertNext(MidgeBroker broker, Mqtt5BlockingClient.Mqtt5Publishes inbox) throws InterruptedException {
        String marker = next();
        broker.publish(TOPIC, bytes(marker), 1, false);
        assertNextIs(marker, describe(inbox.receive(DEADLINE_SECONDS, TimeUnit.SECONDS)));
    }

    static void assertNext(MidgeBroker broker, Mqtt3BlockingClient.Mqtt3Publishes inbox) throws InterruptedException {
        String marker = next();
        broker.publish(TOPIC, bytes(marker), 1, false);
        assertNextIs(marker, describe3(inbox.receive(DEADLINE_SECONDS, TimeUnit.SECONDS)));
    }

    /** Publishes a marker from {@code publisher}: its own earlier packets are handled first. */
    static void assertNext(Mqtt5BlockingClient publisher, Mqtt5BlockingClient.Mqtt5Publishes inbox)
            throws InterruptedException {
        String marker = next();
        publisher.publishWith().topic(TOPIC).payload(bytes(marker)).qos(MqttQos.AT_LEAST_ONCE).send();
        assertNextIs(marker, describe(inbox.receive(DEADLINE_SECONDS, TimeUnit.SECONDS)));
    }

    static void assertNext(Mqtt3BlockingClient publisher, Mqtt3BlockingClient.Mqtt3Publishes inbox)
            throws InterruptedException {
        String marker = next();
        publisher.publishWith().topic(TOPIC).payload(bytes(marker)).qos(MqttQos.AT_LEAST_ONCE).send();
        assertNextIs(marker, describe3(inbox.receive(DEADLINE_SECONDS, TimeUnit.SECONDS)));
    }

    private static void assertNextIs(String marker, String got) {
        assertEquals(TOPIC + " " + marker, got, "expected the marker next; what came before it should not have");
    }

    private static String next() {
        return "marker-" + COUNT.incrementAndGet();
    }

    private static String describe(Optional<Mqtt5Publish> p) {
        return p.map(m -> m.getTopic() + " " + text(m.getPayloadAsBytes()))
                .orElse("nothing within " + DEADLINE_SECONDS + " s");
    }

    private static String describe3(Optional<Mqtt3Publish> p) {
        return p.map(m -> m.getTopic() + " " + text(m.getPayloadAsBytes()))
                .orElse("nothing within " + DEADLINE_SECONDS + " s");
    }

    private static String text(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

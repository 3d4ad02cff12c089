package dev.midge.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.midge.broker.RawClient.concat;
import static dev.midge.broker.RawClient.packet;
import static dev.midge.broker.RawClient.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Topic names and filters deeper than maxTopicLevels (default 200) close the connection, and
 * no depth, allowed or stored by an older version, breaks the broker for anyone else.
 */
class TopicLevelLimitTest extends BrokerTest {

    @TempDir
    Path dir;

    /** A topic of exactly {@code levels} levels. */
    private static String topic(int levels) {
        return "a/".repeat(levels - 1) + "end";
    }

    private static byte[] connectV5(String clientId) {
        return packet(0x10, concat(string("MQTT"), new byte[]{5, 0x02, 0, 60, 0}, string(clientId)));
    }

    private static byte[] publishV5Retained(String topic) {
        return packet(0x31, concat(string(topic), new byte[]{0}, new byte[]{1}));
    }

    private static byte[] subscribeV5(String filter) {
        return packet(0x82, concat(new byte[]{0, 1, 0}, string(filter), new byte[]{0}));
    }

    /** Sends the packets after a v5 CONNECT; returns the reason of the DISCONNECT the broker closed with. */
    private int disconnectReason(byte[] packet) throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connectV5("deep"));
            assertEquals(2, raw.read().type());
            raw.send(packet);
            List<RawClient.Packet> got = raw.readUntilClosed();
            assertEquals(1, got.size(), "only the DISCONNECT, no PUBACK/SUBACK");
            assertEquals(14, got.get(0).type());
            return got.get(0).body()[0] & 0xFF;
        }
    }

    /** What a fresh '#' subscriber gets, up to a marker published after its SUBACK. */
    private List<String> wildcardSubscriberReceives() throws InterruptedException {
        Mqtt5BlockingClient sub = v5("wild-" + System.nanoTime());
        var inbox = sub.publishes(MqttGlobalPublishFilter.ALL);
        sub.connect();
        sub.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
        broker.publish("marker", new byte[]{1}, 1, false);
        List<String> got = new ArrayList<>();
        while (true) {
            Mqtt5Publish p = inbox.receive(5, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("got only " + got));
            if (p.getTopic().toString().equals("marker")) {
                sub.disconnect();
                return got;
            }
            got.add(p.getTopic().toString());
        }
    }

    @Test
    void publishDeeperThanTheLimitClosesWithTopicNameInvalid() throws Exception {
        start();
        assertEquals(0x90, disconnectReason(publishV5Retained(topic(201))));
        assertEquals(List.of(), wildcardSubscriberReceives());
    }

    @Test
    void publishAtTheLimitIsRetainedAndDelivered() throws Exception {
        start();
        Mqtt5BlockingClient pub = v5("pub");
        pub.connect();
        pub.publishWith().topic(topic(200)).payload(new byte[]{1}).retain(true).qos(MqttQos.AT_LEAST_ONCE).send();
        assertEquals(List.of(topic(200)), wildcardSubscriberReceives());
    }

    @Test
    void subscribeDeeperThanTheLimitClosesWithTopicFilterInvalid() throws Exception {
        start();
        assertEquals(0x8F, disconnectReason(subscribeV5(topic(200) + "/#")));
        assertEquals(0x8F, disconnectReason(subscribeV5("$share/g/" + topic(201))));
        assertEquals(0x8F, disconnectReason(packet(0xA2, concat(new byte[]{0, 1, 0}, string(topic(201))))), "UNSUBSCRIBE");
    }

    @Test
    void v311PublishDeeperThanTheLimitClosesTheConnection() throws Exception {
        start();
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("deep311", true));
            raw.read();
            raw.send(RawClient.publish(topic(201), 1, 1, new byte[]{1}));
            assertEquals(List.of(), raw.readUntilClosed(), "no PUBACK");
        }
    }

    @Test
    void willTopicDeeperThanTheLimitRefusesTheConnect() throws Exception {
        start();
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("deepwill", true, 60, topic(201), "gone"));
            assertEquals(List.of(), raw.readUntilClosed(), "no CONNACK");
        }
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("okwill", true, 60, topic(200), "gone"));
            assertEquals(2, raw.read().type());
        }
    }

    @Test
    void theApplicationCannotPublishDeeperThanTheLimit() throws Exception {
        start(b -> b.maxTopicLevels(10));
        assertThrows(IllegalArgumentException.class, () -> broker.publish(topic(11), new byte[]{1}, 0, true));
    }

    /** The original report: one retained topic of 12,000 levels broke every '#' subscriber for good. */
    @Test
    void withoutALimitAVeryDeepRetainedTopicBreaksNoSubscriber() throws Exception {
        start(b -> b.maxTopicLevels(0));
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connectV5("deep"));
            raw.read();
            raw.send(publishV5Retained(topic(12_000)));
            raw.send(RawClient.disconnect());
            raw.readUntilClosed();
        }
        assertEquals(List.of(topic(12_000)), wildcardSubscriberReceives());
        assertEquals(List.of(topic(12_000)), wildcardSubscriberReceives());
    }

    @Test
    void deepTopicsInAStoreFromAnOlderVersionAreSkippedAtStart() throws Exception {
        // An older version had no limit: it stored a deep retained message and a deep subscription.
        start(b -> b.persistence(dir).maxTopicLevels(0));
        Mqtt5BlockingClient pub = v5("pub");
        pub.connect();
        pub.publishWith().topic(topic(12_000)).payload(new byte[]{1}).retain(true).qos(MqttQos.AT_LEAST_ONCE).send();
        pub.publishWith().topic("shallow").payload(new byte[]{1}).retain(true).qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient deep = v5("deep-sub");
        deep.connectWith().sessionExpiryInterval(3600).send();
        deep.subscribeWith().topicFilter(topic(12_000)).send();
        deep.subscribeWith().topicFilter("shallow").send();
        deep.disconnect();
        awaitGone("deep-sub");
        broker.close();

        start(b -> b.persistence(dir));
        assertEquals(List.of("shallow"), wildcardSubscriberReceives());
        Mqtt5BlockingClient again = v5("deep-sub");
        var inbox = again.publishes(MqttGlobalPublishFilter.ALL);
        assertTrue(again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent());
        broker.publish("shallow", new byte[]{2}, 1, false);
        assertEquals("shallow", inbox.receive(5, TimeUnit.SECONDS).orElseThrow().getTopic().toString());
    }
}

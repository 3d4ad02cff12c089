package dev.midge.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.midge.broker.RawClient.concat;
import static dev.midge.broker.RawClient.packet;
import static dev.midge.broker.RawClient.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Misbehaving clients are closed, one at a time, while a well-behaved one carries on. */
class BadInputTest extends BrokerTest {

    private Mqtt5BlockingClient bystander;
    private Mqtt5BlockingClient.Mqtt5Publishes bystanderInbox;

    @BeforeEach
    void startWithBystander() throws Exception {
        start(b -> b.messageSizeLimit(1000));
        bystander = v5("bystander");
        bystander.connect();
        bystanderInbox = bystander.publishes(MqttGlobalPublishFilter.ALL);
        bystander.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
    }

    /** Sends the bytes and returns what the broker sent before it closed the connection. */
    private List<RawClient.Packet> sendAndExpectClose(byte[]... packets) throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            for (byte[] p : packets) {
                raw.send(p);
            }
            return raw.readUntilClosed();
        }
    }

    private void assertBystanderUnaffected() throws Exception {
        assertTrue(bystander.getState().isConnected());
        broker.publish("still/working", "ok".getBytes(StandardCharsets.UTF_8), 1, false);
        byte[] got = bystanderInbox.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes();
        assertArrayEquals("ok".getBytes(StandardCharsets.UTF_8), got);
    }

    private static byte[] connectV5(String clientId) {
        return packet(0x10, concat(string("MQTT"), new byte[]{5, 0x02, 0, 60, 0}, string(clientId)));
    }

    @Test
    void publishBeforeConnectClosesTheConnection() throws Exception {
        assertEquals(List.of(), sendAndExpectClose(RawClient.publish("a", 0, 0, new byte[]{1})));
        assertBystanderUnaffected();
    }

    @Test
    void reservedPacketTypeInsteadOfConnectClosesTheConnection() throws Exception {
        assertEquals(List.of(), sendAndExpectClose(new byte[]{0x00, 0x00}));
        assertBystanderUnaffected();
    }

    @Test
    void unknownProtocolGetsConnackUnacceptableVersion() throws Exception {
        List<RawClient.Packet> got = sendAndExpectClose(
                packet(0x10, concat(string("MQTT"), new byte[]{9, 0x02, 0, 60}, string("future"))));
        assertEquals(1, got.size());
        assertEquals(0x01, got.get(0).body()[1]);
        assertBystanderUnaffected();
    }

    @Test
    void secondConnectClosesTheConnection() throws Exception {
        List<RawClient.Packet> got = sendAndExpectClose(RawClient.connect("twice", true), RawClient.connect("twice", true));
        assertEquals(1, got.size(), "only the first CONNACK");
        assertBystanderUnaffected();
    }

    @Test
    void wildcardInPublishTopicClosesTheConnection() throws Exception {
        sendAndExpectClose(RawClient.connect("wild", true), RawClient.publish("a/+/b", 0, 0, new byte[]{1}));
        assertBystanderUnaffected(); // its "ok" came first: "a/+/b" was not routed before it
        Marker.assertNext(broker, bystanderInbox); // nor after it
    }

    @Test
    void qos3ClosesTheConnection() throws Exception {
        byte[] qos3 = RawClient.publish("a", 1, 1, new byte[]{1});
        qos3[0] = 0x36;
        sendAndExpectClose(RawClient.connect("q3", true), qos3);
        assertBystanderUnaffected();
    }

    @Test
    void invalidUtf8TopicClosesTheConnection() throws Exception {
        byte[] topic = {0, 2, (byte) 0xC3, 0x28};
        sendAndExpectClose(RawClient.connect("utf", true), packet(0x30, concat(topic, new byte[]{1})));
        assertBystanderUnaffected();
    }

    /** message_size_limit is 1000: a 5000-byte payload is well within the Maximum Packet Size. */
    private static byte[] bigPublishV5(int qos, int packetId) {
        byte[] id = qos > 0 ? new byte[]{(byte) (packetId >> 8), (byte) packetId} : new byte[0];
        return packet(0x30 | (qos << 1), concat(string("big"), id, new byte[]{0}, new byte[5000]));
    }

    private void assertNextRoutedIs(String payload) throws Exception {
        var next = bystanderInbox.receive(10, TimeUnit.SECONDS).orElseThrow();
        assertArrayEquals(payload.getBytes(StandardCharsets.UTF_8), next.getPayloadAsBytes(),
                "the next message routed; an over-limit one was delivered first on " + next.getTopic());
    }

    @Test
    void v5MessageOverTheSizeLimitIsAnsweredPacketTooLargeAndTheClientStaysConnected() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connectV5("big"));
            raw.read();
            raw.send(bigPublishV5(0, 0)); // dropped silently, as in mosquitto
            raw.send(bigPublishV5(1, 7));
            RawClient.Packet puback = raw.read();
            assertEquals(4, puback.type());
            assertEquals(7, RawClient.packetIdOf(puback));
            assertEquals(0x95, puback.body()[2] & 0xFF);
            raw.send(bigPublishV5(2, 8));
            RawClient.Packet pubrec = raw.read();
            assertEquals(5, pubrec.type());
            assertEquals(8, RawClient.packetIdOf(pubrec));
            assertEquals(0x95, pubrec.body()[2] & 0xFF);
            raw.send(packet(0x30, concat(string("small"), new byte[]{0}, "after".getBytes(StandardCharsets.UTF_8))));
            assertNextRoutedIs("after"); // none of the big ones was routed, and the connection is open
        }
        assertBystanderUnaffected();
    }

    @Test
    void v311MessageOverTheSizeLimitIsAcknowledgedAndDropped() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("big311", true));
            raw.read();
            raw.send(RawClient.publish("big", 1, 9, new byte[5000]));
            RawClient.Packet puback = raw.read();
            assertEquals(4, puback.type());
            assertEquals(9, RawClient.packetIdOf(puback));
            raw.send(RawClient.publish("big", 2, 10, new byte[5000]));
            RawClient.Packet pubrec = raw.read();
            assertEquals(5, pubrec.type());
            assertEquals(10, RawClient.packetIdOf(pubrec));
            raw.send(packet(0x62, new byte[]{0, 10})); // PUBREL: the exchange completes though nothing was kept
            assertEquals(7, raw.read().type());
            raw.send(RawClient.publish("small", 0, 0, "after".getBytes(StandardCharsets.UTF_8)));
            assertNextRoutedIs("after");
        }
    }

    @Test
    void v311SubscribeWithoutTopicFilterClosesTheConnection() throws Exception {
        List<RawClient.Packet> got = sendAndExpectClose(RawClient.connect("nofilter", true),
                packet(0x82, new byte[]{0, 1}));
        assertEquals(1, got.size(), "only the CONNACK, no SUBACK (MQTT-3.8.3-3)");
        assertBystanderUnaffected();
    }

    @Test
    void v311UnsubscribeWithoutTopicFilterClosesTheConnection() throws Exception {
        List<RawClient.Packet> got = sendAndExpectClose(RawClient.connect("nofilter", true),
                packet(0xA2, new byte[]{0, 1}));
        assertEquals(1, got.size(), "only the CONNACK, no UNSUBACK (MQTT-3.10.3-2)");
        assertBystanderUnaffected();
    }

    @Test
    void v5SubscribeWithoutTopicFilterIsAProtocolError() throws Exception {
        List<RawClient.Packet> got = sendAndExpectClose(connectV5("nofilter"), packet(0x82, new byte[]{0, 1, 0}));
        assertEquals(2, got.size(), "CONNACK and DISCONNECT, no SUBACK");
        assertEquals(14, got.get(1).type());
        assertEquals(0x82, got.get(1).body()[0] & 0xFF);
    }

    @Test
    void v5UnsubscribeWithoutTopicFilterIsAProtocolError() throws Exception {
        List<RawClient.Packet> got = sendAndExpectClose(connectV5("nofilter"), packet(0xA2, new byte[]{0, 1, 0}));
        assertEquals(2, got.size(), "CONNACK and DISCONNECT, no UNSUBACK");
        assertEquals(14, got.get(1).type());
        assertEquals(0x82, got.get(1).body()[0] & 0xFF);
    }

    @Test
    void v5Qos0PublishWithDupAndMalformedTopicIsAProtocolError() throws Exception {
        List<RawClient.Packet> got = sendAndExpectClose(connectV5("dup"),
                packet(0x38, concat(string("a/+/b"), new byte[]{0}, new byte[]{1})));
        RawClient.Packet disconnect = got.get(got.size() - 1);
        assertEquals(14, disconnect.type());
        assertEquals(0x82, disconnect.body()[0] & 0xFF, "DUP on QoS 0 (MQTT-3.3.1-2) is judged before the topic");
        assertBystanderUnaffected();
    }

    @Test
    void v5Qos0PublishWithDupIsAProtocolError() throws Exception {
        List<RawClient.Packet> got = sendAndExpectClose(connectV5("dup0"),
                packet(0x38, concat(string("fine"), new byte[]{0}, new byte[]{1})));
        RawClient.Packet disconnect = got.get(got.size() - 1);
        assertEquals(14, disconnect.type());
        assertEquals(0x82, disconnect.body()[0] & 0xFF);
        assertBystanderUnaffected(); // its "ok" came first: "fine" was not routed before it
        Marker.assertNext(broker, bystanderInbox); // nor after it
    }

    @Test
    void v5TopicAliasZeroClosesWithTopicAliasInvalid() throws Exception {
        byte[] properties = {3, 0x23, 0, 0};
        List<RawClient.Packet> got = sendAndExpectClose(connectV5("alias"),
                packet(0x30, concat(string("t"), properties, new byte[]{1})));
        RawClient.Packet disconnect = got.get(got.size() - 1);
        assertEquals(14, disconnect.type());
        assertEquals(0x94, disconnect.body()[0] & 0xFF);
        assertBystanderUnaffected();
    }

    @Test
    void v5TopicAliasIsResolvedOnLaterPublishes() throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connectV5("aliaser"));
            raw.read();
            raw.send(packet(0x30, concat(string("aliased/topic"), new byte[]{3, 0x23, 0, 1}, "one".getBytes())));
            raw.send(packet(0x30, concat(string(""), new byte[]{3, 0x23, 0, 1}, "two".getBytes())));
            assertEquals("aliased/topic", bystanderInbox.receive(5, TimeUnit.SECONDS).orElseThrow().getTopic().toString());
            var second = bystanderInbox.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertEquals("aliased/topic", second.getTopic().toString());
            assertArrayEquals("two".getBytes(), second.getPayloadAsBytes());
        }
    }

    @Test
    void packetOverTheDecoderLimitClosesWithPacketTooLarge() throws Exception {
        List<RawClient.Packet> got = sendAndExpectClose(connectV5("huge"),
                packet(0x30, concat(string("huge"), new byte[]{0}, new byte[200_000])));
        RawClient.Packet disconnect = got.get(got.size() - 1);
        assertEquals(14, disconnect.type());
        assertEquals(0x95, disconnect.body()[0] & 0xFF);
        assertBystanderUnaffected();
    }
}

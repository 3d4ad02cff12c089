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

    @Test
    void messageOverTheSizeLimitClosesWithPacketTooLarge() throws Exception {
        List<RawClient.Packet> got = sendAndExpectClose(connectV5("big"),
                packet(0x30, concat(string("big"), new byte[]{0}, new byte[5000])));
        RawClient.Packet disconnect = got.get(got.size() - 1);
        assertEquals(14, disconnect.type());
        assertEquals(0x95, disconnect.body()[0] & 0xFF);
        assertBystanderUnaffected();
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

package dev.midge.broker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.midge.broker.RawClient.concat;
import static dev.midge.broker.RawClient.packet;
import static dev.midge.broker.RawClient.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MqttFiveTest extends BrokerTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void connackAnnouncesTheBrokersLimits() throws Exception {
        start(b -> b.maxInflightMessages(7).maxTopicAlias(5).messageSizeLimit(2048));
        Mqtt5ConnAck ack = v5("c").connect();
        assertEquals(7, ack.getRestrictions().getReceiveMaximum());
        assertEquals(5, ack.getRestrictions().getTopicAliasMaximum());
        assertTrue(ack.getRestrictions().getMaximumPacketSize() > 2048);
        assertTrue(ack.getRestrictions().isSharedSubscriptionAvailable());
    }

    @Test
    void queuedMessageExpiryIsDecrementedByTheTimeWaited() throws Exception {
        start();
        Mqtt5BlockingClient sub = v5("sub");
        sub.connectWith().sessionExpiryInterval(60).send();
        sub.subscribeWith().topicFilter("t").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        awaitGone("sub");
        Mqtt5BlockingClient pub = v5("pub");
        pub.connect();
        pub.publishWith().topic("t").payload(bytes("short")).qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(1).send();
        pub.publishWith().topic("t").payload(bytes("long")).qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(100).send();
        // Wait for the first message to expire, observably: a probe with a 1 s expiry published
        // later than "short" is gone from the retained store once the same interval has passed.
        pub.publishWith().topic("probe").payload(bytes("p")).retain(true).messageExpiryInterval(1).send();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> broker.connectedClients().size() == 1 && probeExpired());

        Mqtt5BlockingClient again = v5("sub");
        var inbox = again.publishes(MqttGlobalPublishFilter.ALL);
        again.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        Mqtt5Publish got = inbox.receive(5, TimeUnit.SECONDS).orElseThrow();
        assertEquals("long", new String(got.getPayloadAsBytes(), StandardCharsets.UTF_8));
        long left = got.getMessageExpiryInterval().orElseThrow();
        assertTrue(left < 100 && left >= 97, "expiry left " + left);
        Marker.subscribe(again);
        Marker.assertNext(broker, inbox);
    }

    private boolean probeExpired() {
        Mqtt5BlockingClient probe = v5("probe-reader");
        probe.connect();
        var inbox = probe.publishes(MqttGlobalPublishFilter.ALL);
        probe.subscribeWith().topicFilter("probe").send();
        probe.subscribeWith().topicFilter("probe-done").send();
        // The retained probe comes right after its SUBACK, so before "probe-done" unless expired.
        broker.publish("probe-done", bytes("done"), 0, false);
        boolean expired;
        try {
            expired = inbox.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString().equals("probe-done");
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
        probe.disconnect();
        return expired;
    }

    @Test
    void retainHandlingTwoSendsNoRetainedMessages() throws Exception {
        start();
        broker.publish("r", bytes("kept"), 0, true);
        Mqtt5BlockingClient c = v5("c");
        c.connect();
        var inbox = c.publishes(MqttGlobalPublishFilter.ALL);
        Marker.subscribe(c);
        c.subscribeWith().topicFilter("r").retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
        Marker.assertNext(broker, inbox);
        c.subscribeWith().topicFilter("r").retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
        Marker.assertNext(broker, inbox); // already subscribed
        c.subscribeWith().topicFilter("r/#").retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
        assertTrue(inbox.receive(5, TimeUnit.SECONDS).orElseThrow().isRetain());
    }

    @Test
    void userPropertiesAloneAreForwardedWithAPublishAndAWill() throws Exception {
        // Netty's MqttProperties.isEmpty() does not count user properties, which it keeps apart
        // (MQTT-3.3.2-17/18, MQTT-3.1.3-10: they must reach the subscriber unchanged).
        start();
        Mqtt5BlockingClient sub = v5("sub");
        sub.connect();
        var inbox = sub.publishes(MqttGlobalPublishFilter.ALL);
        sub.subscribeWith().topicFilter("t/#").send();
        Mqtt5BlockingClient pub = v5("pub");
        pub.connect();
        pub.publishWith().topic("t/a").payload(bytes("x"))
                .userProperties().add("k", "v").add("k", "w").applyUserProperties().send();
        Mqtt5Publish got = inbox.receive(5, TimeUnit.SECONDS).orElseThrow();
        assertEquals("[(k, v), (k, w)]", got.getUserProperties().asList().stream()
                .map(p -> "(" + p.getName() + ", " + p.getValue() + ")").toList().toString());

        Mqtt5BlockingClient dying = v5("dying");
        dying.connectWith().willPublish().topic("t/will").payload(bytes("gone"))
                .userProperties().add("why", "lost").applyUserProperties().applyWillPublish().send();
        broker.disconnectClients(id -> id.clientId().equals("dying"), "test drops it");
        Mqtt5Publish will = inbox.receive(5, TimeUnit.SECONDS).orElseThrow();
        assertEquals("t/will", will.getTopic().toString());
        assertEquals("why=lost", will.getUserProperties().asList().stream()
                .map(p -> p.getName() + "=" + p.getValue()).reduce("", String::concat));
    }

    @Test
    void retainAsPublishedKeepsTheRetainFlagOnForwardedMessages() throws Exception {
        start();
        Mqtt5BlockingClient c = v5("c");
        c.connect();
        var inbox = c.publishes(MqttGlobalPublishFilter.ALL);
        c.subscribeWith().topicFilter("r").retainAsPublished(true).send();
        broker.publish("r", bytes("x"), 0, true);
        assertTrue(inbox.receive(5, TimeUnit.SECONDS).orElseThrow().isRetain());
    }

    @Test
    void brokerHonoursTheClientsReceiveMaximum() throws Exception {
        start();
        try (RawClient raw = new RawClient(broker.port())) {
            // CONNECT v5 with Receive Maximum 1 (property 0x21).
            raw.send(packet(0x10, concat(string("MQTT"), new byte[]{5, 0x02, 0, 60, 3, 0x21, 0, 1}, string("slow"))));
            raw.read();
            raw.send(packet(0x82, concat(new byte[]{0, 1, 0}, string("t"), new byte[]{1})));
            raw.read();
            broker.publish("t", bytes("1"), 1, false);
            broker.publish("t", bytes("2"), 1, false);
            RawClient.Packet first = raw.read();
            assertEquals(3, first.type());
            raw.send(RawClient.puback(RawClient.packetIdOfPublish(first)));
            RawClient.Packet second = raw.read();
            assertEquals(3, second.type());
            assertTrue(new String(second.body(), StandardCharsets.UTF_8).endsWith("2"));
        }
    }

    @Test
    void clientSendingMoreQos2ThanReceiveMaximumIsDisconnected() throws Exception {
        start(b -> b.maxInflightMessages(2));
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(packet(0x10, concat(string("MQTT"), new byte[]{5, 0x02, 0, 60, 0}, string("greedy"))));
            raw.read();
            for (int id = 1; id <= 3; id++) {
                raw.send(packet(0x34, concat(string("t"), new byte[]{0, (byte) id, 0}, bytes("x"))));
            }
            List<RawClient.Packet> got = raw.readUntilClosed();
            RawClient.Packet last = got.get(got.size() - 1);
            assertEquals(14, last.type());
            assertEquals(0x93, last.body()[0] & 0xFF);
        }
    }

    @Test
    void messageLargerThanTheClientsMaximumPacketSizeIsNotSentToIt() throws Exception {
        start();
        Mqtt5BlockingClient small = MqttClient.builder().useMqttVersion5().identifier("small")
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        small.connectWith().restrictions().maximumPacketSize(100).applyRestrictions().send();
        var inbox = small.publishes(MqttGlobalPublishFilter.ALL);
        small.subscribeWith().topicFilter("t").send();
        broker.publish("t", new byte[500], 0, false);
        broker.publish("t", bytes("fits"), 0, false);
        assertEquals("fits", new String(inbox.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes(),
                StandardCharsets.UTF_8));
        assertTrue(small.getState().isConnected());
        small.disconnect();
    }

    @Test
    void serverAssignedIdentifierAndCleanStartFalseWithoutSessionReportsNoSession() throws Exception {
        start();
        Mqtt5BlockingClient c = v5("fresh");
        assertFalse(c.connectWith().cleanStart(false).send().isSessionPresent());
    }

    @Test
    void brokerUsesTopicAliasesOnlyForClientsThatAllowThem() throws Exception {
        start();
        try (RawClient raw = new RawClient(broker.port())) {
            // CONNECT v5 with Topic Alias Maximum (0x22) 1.
            raw.send(packet(0x10, concat(string("MQTT"), new byte[]{5, 0x02, 0, 60, 3, 0x22, 0, 1}, string("aliases"))));
            raw.read();
            raw.send(packet(0x82, concat(new byte[]{0, 1, 0}, string("al/#"), new byte[]{0})));
            raw.read();
            broker.publish("al/one", bytes("1"), 0, false);
            broker.publish("al/one", bytes("2"), 0, false);
            broker.publish("al/two", bytes("3"), 0, false);
            byte[] first = raw.read().body();
            byte[] second = raw.read().body();
            byte[] third = raw.read().body();
            assertEquals(6, first[1], "first carries the topic");
            assertEquals(0x23, first[9], "and the alias property");
            assertEquals(0, second[1], "second carries the alias only");
            assertEquals(6, third[1], "no alias left for a second topic: topic in full");
        }
        Mqtt5BlockingClient hive = MqttClient.builder().useMqttVersion5().identifier("hive")
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        hive.connectWith().restrictions().topicAliasMaximum(2).applyRestrictions().send();
        var inbox = hive.publishes(MqttGlobalPublishFilter.ALL);
        hive.subscribeWith().topicFilter("al/#").send();
        for (String t : List.of("al/a", "al/b", "al/a", "al/c", "al/b")) {
            broker.publish(t, bytes(t), 0, false);
        }
        for (String t : List.of("al/a", "al/b", "al/a", "al/c", "al/b")) {
            assertEquals(t, inbox.receive(5, TimeUnit.SECONDS).orElseThrow().getTopic().toString());
        }
        hive.disconnect();
    }

    @Test
    void enhancedAuthenticationIsRefusedWithBadAuthenticationMethod() throws Exception {
        start();
        try (RawClient raw = new RawClient(broker.port())) {
            // CONNECT v5 with Authentication Method (0x15) "SCRAM".
            byte[] method = concat(new byte[]{0x15}, string("SCRAM"));
            raw.send(packet(0x10, concat(string("MQTT"), new byte[]{5, 0x02, 0, 60, (byte) method.length}, method,
                    string("scram"))));
            List<RawClient.Packet> got = raw.readUntilClosed();
            assertEquals(2, got.get(0).type());
            assertEquals(0x8C, got.get(0).body()[1] & 0xFF);
        }
    }
}

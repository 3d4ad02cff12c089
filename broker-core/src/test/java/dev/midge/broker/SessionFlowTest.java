package dev.midge.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionFlowTest extends BrokerTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void persistentSessionQueuesQos1WhileOfflineButNotQos0() throws Exception {
        start();
        Mqtt3BlockingClient sub = v3("device");
        sub.connectWith().cleanSession(false).send();
        sub.subscribeWith().topicFilter("cmd/#").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        awaitGone("device");

        broker.publish("cmd/a", bytes("q0"), 0, false);
        broker.publish("cmd/b", bytes("q1"), 1, false);

        Mqtt3BlockingClient again = v3("device");
        var publishes = again.publishes(MqttGlobalPublishFilter.ALL);
        Mqtt3ConnAck ack = again.connectWith().cleanSession(false).send();
        assertTrue(ack.isSessionPresent());
        assertArrayEquals(bytes("q1"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
        // A queued q0 would have been sent on reconnect, before anything published from now.
        Marker.subscribe(again);
        Marker.assertNext(broker, publishes);
    }

    @Test
    void cleanSessionForgetsSubscriptions() throws Exception {
        start();
        Mqtt3BlockingClient sub = v3("device");
        sub.connectWith().cleanSession(false).send();
        sub.subscribeWith().topicFilter("cmd").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        awaitGone("device");

        Mqtt3BlockingClient again = v3("device");
        var publishes = again.publishes(MqttGlobalPublishFilter.ALL);
        assertFalse(again.connectWith().cleanSession(true).send().isSessionPresent());
        Marker.subscribe(again);
        broker.publish("cmd", bytes("x"), 1, false);
        Marker.assertNext(broker, publishes);
    }

    @Test
    void unacknowledgedQos1IsRedeliveredWithDupOnReconnect() throws Exception {
        start();
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("raw", false));
            assertEquals(2, raw.read().type());
            raw.send(RawClient.subscribe(1, "t", 1));
            assertEquals(9, raw.read().type());
            broker.publish("t", bytes("m"), 1, false);
            RawClient.Packet first = raw.read();
            assertEquals(3, first.type());
            assertEquals(0, first.flags() & 0x08);
        }
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("raw", false));
            RawClient.Packet connack = raw.read();
            assertEquals(1, connack.body()[0], "session present");
            RawClient.Packet again = raw.read();
            assertEquals(3, again.type());
            assertEquals(0x08, again.flags() & 0x08, "DUP set on redelivery");
            raw.send(RawClient.puback(RawClient.packetIdOfPublish(again)));
        }
    }

    @Test
    void qos2AtPubrecStageGetsPubrelResentOnReconnect() throws Exception {
        start();
        int packetId;
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("raw2", false));
            raw.read();
            raw.send(RawClient.subscribe(1, "t", 2));
            raw.read();
            broker.publish("t", bytes("m"), 2, false);
            RawClient.Packet publish = raw.read();
            packetId = RawClient.packetIdOfPublish(publish);
            raw.send(RawClient.pubrec(packetId));
            RawClient.Packet pubrel = raw.read();
            assertEquals(6, pubrel.type());
        }
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("raw2", false));
            raw.read();
            RawClient.Packet pubrel = raw.read();
            assertEquals(6, pubrel.type(), "PUBREL re-sent, not the PUBLISH");
            assertEquals(packetId, RawClient.packetIdOf(pubrel));
            raw.send(RawClient.pubcomp(packetId));
        }
    }

    @Test
    void inboundQos2IsRoutedExactlyOnceEvenWhenRetransmitted() throws Exception {
        start();
        Mqtt3BlockingClient sub = v3("sub");
        sub.connect();
        var publishes = sub.publishes(MqttGlobalPublishFilter.ALL);
        sub.subscribeWith().topicFilter("t").qos(MqttQos.AT_MOST_ONCE).send();
        Marker.subscribe(sub);
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("pub", true));
            raw.read();
            raw.send(RawClient.publish("t", 2, 7, bytes("once")));
            assertEquals(5, raw.read().type());
            byte[] dup = RawClient.publish("t", 2, 7, bytes("once"));
            dup[0] |= 0x08;
            raw.send(dup);
            assertEquals(5, raw.read().type());
            raw.send(RawClient.packet(0x62, new byte[]{0, 7}));
            assertEquals(7, raw.read().type());
        }
        assertArrayEquals(bytes("once"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
        Marker.assertNext(broker, publishes); // after PUBCOMP: a second copy would have been routed by now
    }

    @Test
    void sameClientIdTakesOverTheSession() throws Exception {
        start();
        Mqtt5BlockingClient first = v5("dup");
        first.connect();
        Mqtt5BlockingClient second = v5("dup");
        second.connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> !first.getState().isConnected());
        assertTrue(second.getState().isConnected());
        assertEquals(1, broker.connectedClients().size());
    }

    @Test
    void offlineQueueDropsTheOldestWhenFull() throws Exception {
        start(b -> b.maxQueuedMessages(2));
        Mqtt3BlockingClient sub = v3("device");
        sub.connectWith().cleanSession(false).send();
        sub.subscribeWith().topicFilter("t").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        awaitGone("device");
        for (int i = 1; i <= 4; i++) {
            broker.publish("t", bytes("m" + i), 1, false);
        }
        Mqtt3BlockingClient again = v3("device");
        var publishes = again.publishes(MqttGlobalPublishFilter.ALL);
        again.connectWith().cleanSession(false).send();
        assertArrayEquals(bytes("m3"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
        assertArrayEquals(bytes("m4"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
        Marker.subscribe(again);
        Marker.assertNext(broker, publishes);
    }

    @Test
    void v5SessionExpiresAfterItsIntervalAndNotBefore() throws Exception {
        start();
        Mqtt3BlockingClient watcher = v3("watcher");
        watcher.connect();
        var wills = watcher.publishes(MqttGlobalPublishFilter.ALL);
        watcher.subscribeWith().topicFilter("wills/#").send();

        // The session's end is observable: a will delayed for an hour goes when the session ends.
        Mqtt5BlockingClient c = v5("exp");
        c.connectWith().sessionExpiryInterval(2).willPublish().topic("wills/exp").payload(bytes("ended"))
                .delayInterval(3600).applyWillPublish().send();
        c.subscribeWith().topicFilter("t").qos(MqttQos.AT_LEAST_ONCE).send();
        long dropped = System.nanoTime();
        broker.disconnectClients(id -> id.clientId().equals("exp"), "test drops it");
        assertTrue(wills.receive(5, TimeUnit.SECONDS).isPresent());
        assertTrue(System.nanoTime() - dropped >= 1_900_000_000L, "session ended before its expiry");

        Mqtt5BlockingClient probe = v5("exp");
        assertFalse(probe.connectWith().cleanStart(false).send().isSessionPresent());
    }

    @Test
    void v5ZeroLengthClientIdGetsAnAssignedIdentifier() throws Exception {
        start();
        Mqtt5BlockingClient c = v5("");
        Mqtt5ConnAck ack = c.connect();
        String assigned = ack.getAssignedClientIdentifier().orElseThrow().toString();
        assertFalse(assigned.isEmpty());
        assertEquals(List.of(assigned), broker.connectedClients().stream().map(i -> i.clientId()).toList());
    }

    @Test
    void v311ZeroLengthClientIdWithoutCleanSessionIsRejected() throws Exception {
        start();
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("", false));
            RawClient.Packet connack = raw.read();
            assertEquals(2, connack.type());
            assertEquals(0x02, connack.body()[1]);
        }
    }
}

package dev.midge.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WillAndKeepAliveTest extends BrokerTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient.Mqtt3Publishes watch(String filter) {
        Mqtt3BlockingClient watcher = v3("watcher");
        watcher.connect();
        var publishes = watcher.publishes(MqttGlobalPublishFilter.ALL);
        watcher.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
        return publishes;
    }

    @Test
    void willIsSentWhenTheConnectionDropsWithoutDisconnect() throws Exception {
        start();
        var publishes = watch("wills/#");
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("dying", true, 60, "wills/dying", "gone"));
            raw.read();
        }
        assertArrayEquals(bytes("gone"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
    }

    @Test
    void willIsNotSentAfterNormalDisconnect() throws Exception {
        start();
        var publishes = watch("wills/#");
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("polite", true, 60, "wills/polite", "gone"));
            raw.read();
            raw.send(RawClient.disconnect());
            raw.readUntilClosed();
        }
        awaitGone("polite");
        // The will of a client that drops afterwards must be the next one the watcher sees.
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("dropping", true, 60, "wills/dropping", "marker"));
            raw.read();
        }
        assertEquals("wills/dropping", publishes.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString());
    }

    @Test
    void v5DisconnectWithWillMessageSendsTheWill() throws Exception {
        start();
        var publishes = watch("wills/#");
        Mqtt5BlockingClient c = v5("leaving");
        c.connectWith().willPublish().topic("wills/leaving").payload(bytes("bye")).applyWillPublish().send();
        c.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
        assertArrayEquals(bytes("bye"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
    }

    @Test
    void v5WillDelayIsCancelledByReconnection() throws Exception {
        start();
        var publishes = watch("wills/#");
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("flaky", false, 60, "wills/flaky", "gone"));
            raw.read();
        }
        // 3.1.1 has no delay: the will goes at once. Then a v5 client with a delay reconnects in time.
        assertArrayEquals(bytes("gone"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
        Mqtt5BlockingClient c = v5("delayed");
        c.connectWith().sessionExpiryInterval(60).willPublish().topic("wills/delayed").payload(bytes("late"))
                .delayInterval(2).applyWillPublish().send();
        broker.disconnectClients(id -> id.clientId().equals("delayed"), "test drops it");
        Mqtt5BlockingClient back = v5("delayed");
        back.connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        // A witness dropped after it with the same delay: a will still pending for "delayed"
        // would fire first (one timer, earlier deadline), so the witness's must be the next.
        Mqtt5BlockingClient witness = v5("witness");
        witness.connectWith().sessionExpiryInterval(60).willPublish().topic("wills/witness").payload(bytes("marker"))
                .delayInterval(2).applyWillPublish().send();
        broker.disconnectClients(id -> id.clientId().equals("witness"), "test drops it");
        assertEquals("wills/witness", publishes.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString());
    }

    @Test
    void silentClientIsDisconnectedAfterOneAndAHalfKeepAlivesAndItsWillSent() throws Exception {
        start();
        var publishes = watch("wills/#");
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("silent", true, 1, "wills/silent", "timeout"));
            raw.read();
            long started = System.nanoTime();
            raw.readUntilClosed();
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waitedMillis >= 1000 && waitedMillis < 4000, "closed after " + waitedMillis + " ms");
        }
        assertArrayEquals(bytes("timeout"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
    }

    @Test
    void v5ClientAskingForMoreThanMaxKeepaliveGetsServerKeepAlive() throws Exception {
        start(b -> b.maxKeepalive(30));
        Mqtt5BlockingClient c = v5("lazy");
        Mqtt5ConnAck ack = c.connectWith().keepAlive(600).send();
        assertEquals(30, ack.getServerKeepAlive().orElseThrow());
    }

    @Test
    void v311ClientAskingForMoreThanMaxKeepaliveIsAcceptedAsInMosquitto() throws Exception {
        start(b -> b.maxKeepalive(30));
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("lazy", true, 600, null, null));
            RawClient.Packet connack = raw.read();
            assertEquals(2, connack.type());
            assertEquals(0x00, connack.body()[1], "accepted: max_keepalive is MQTT 5's Server Keep Alive");
            raw.send(new byte[]{(byte) 0xC0, 0}); // PINGREQ
            assertEquals(13, raw.read().type(), "PINGRESP: still connected");
        }
    }

    @Test
    void v5DelayedWillIsSentOnceItsDelayHasPassed() throws Exception {
        start();
        var publishes = watch("wills/#");
        Mqtt5BlockingClient c = v5("delayed");
        c.connectWith().sessionExpiryInterval(60).willPublish().topic("wills/delayed").payload(bytes("late"))
                .delayInterval(1).applyWillPublish().send();
        long dropped = System.nanoTime();
        broker.disconnectClients(id -> id.clientId().equals("delayed"), "test drops it");
        assertArrayEquals(bytes("late"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
        assertTrue(System.nanoTime() - dropped >= 900_000_000L, "not before the delay");
    }

    @Test
    void v5DelayedWillIsSentWhenTheSessionEndsFirst() throws Exception {
        start();
        var publishes = watch("wills/#");
        Mqtt5BlockingClient c = v5("short-session");
        c.connectWith().sessionExpiryInterval(0).willPublish().topic("wills/short").payload(bytes("now"))
                .delayInterval(3600).applyWillPublish().send();
        broker.disconnectClients(id -> id.clientId().equals("short-session"), "test drops it");
        assertArrayEquals(bytes("now"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
    }
}

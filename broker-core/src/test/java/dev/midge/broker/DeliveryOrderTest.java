package dev.midge.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Acknowledgements are gathered per read and a subscriber's messages are written in batches;
 * neither may change what arrives or its order. Publishers send without waiting (so many
 * PUBLISHes share a read) on several connections, hence several event loops; every subscriber
 * must get every message once, each publisher's in the order it sent them (§4.6), whether its
 * packets are batched (3.1.1; v5 without properties) or go through topic aliases (v5).
 */
class DeliveryOrderTest extends BrokerTest {

    private static final int PUBLISHERS = 4;
    private static final int EACH = 500;

    @Test
    void everyMessageArrivesOnceInEachPublishersOrderAtEveryKindOfSubscriber() throws Exception {
        start(b -> b.maxInflightMessages(10).maxQueuedMessages(0)); // a small window, nothing dropped
        Mqtt3BlockingClient v3 = v3("sub-v3");
        v3.connect();
        var v3Inbox = v3.publishes(MqttGlobalPublishFilter.ALL);
        v3.subscribeWith().topicFilter("order/#").qos(MqttQos.EXACTLY_ONCE).send();
        Marker.subscribe(v3);
        Mqtt5BlockingClient v5 = v5("sub-v5");
        v5.connect();
        var v5Inbox = v5.publishes(MqttGlobalPublishFilter.ALL);
        v5.subscribeWith().topicFilter("order/#").qos(MqttQos.EXACTLY_ONCE).send();
        Marker.subscribe(v5);
        Mqtt5BlockingClient aliased = v5("sub-aliases");
        aliased.connectWith().restrictions().topicAliasMaximum(2).applyRestrictions().send();
        var aliasedInbox = aliased.publishes(MqttGlobalPublishFilter.ALL);
        aliased.subscribeWith().topicFilter("order/#").qos(MqttQos.EXACTLY_ONCE).send();
        Marker.subscribe(aliased);

        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            MqttQos qos = p % 2 == 0 ? MqttQos.AT_LEAST_ONCE : MqttQos.EXACTLY_ONCE;
            if (p < 2) {
                Mqtt3BlockingClient pub = v3("pub" + p);
                pub.connect();
                for (int i = 0; i < EACH; i++) {
                    sent.add(pub.toAsync().publishWith().topic("order/" + p).qos(qos).payload(payload(p, i)).send());
                }
            } else {
                Mqtt5BlockingClient pub = v5("pub" + p);
                pub.connect();
                for (int i = 0; i < EACH; i++) {
                    sent.add(pub.toAsync().publishWith().topic("order/" + p).qos(qos).payload(payload(p, i)).send());
                }
            }
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertInOrder("3.1.1", () -> v3Inbox.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
        assertInOrder("v5", () -> v5Inbox.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
        assertInOrder("v5 with topic aliases",
                () -> aliasedInbox.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
        // Nothing more, in particular no duplicate, before one marker published after it all.
        broker.publish(Marker.TOPIC, "last".getBytes(StandardCharsets.UTF_8), 1, false);
        assertEquals(Marker.TOPIC, v3Inbox.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString());
        assertEquals(Marker.TOPIC, v5Inbox.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString());
        assertEquals(Marker.TOPIC, aliasedInbox.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString());
    }

    private static byte[] payload(int publisher, int i) {
        return (publisher + ":" + i).getBytes(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface Receive {
        byte[] next() throws InterruptedException;
    }

    private static void assertInOrder(String who, Receive inbox) throws InterruptedException {
        int[] next = new int[PUBLISHERS];
        for (int n = 0; n < PUBLISHERS * EACH; n++) {
            String[] got = new String(inbox.next(), StandardCharsets.UTF_8).split(":");
            int p = Integer.parseInt(got[0]);
            assertEquals(next[p], Integer.parseInt(got[1]), who + ": publisher " + p + "'s next message");
            next[p]++;
        }
        for (int p = 0; p < PUBLISHERS; p++) {
            assertEquals(EACH, next[p], who + ": all of publisher " + p);
        }
    }
}

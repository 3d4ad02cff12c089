package dev.midge.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublishSubscribeTest extends BrokerTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(MqttQos.class)
    void v311MessageArrivesAtSubscriberWithGrantedQos(MqttQos qos) throws Exception {
        start();
        Mqtt3BlockingClient sub = v3("sub");
        sub.connect();
        sub.subscribeWith().topicFilter("sensors/+/temp").qos(qos).send();
        var publishes = sub.publishes(MqttGlobalPublishFilter.ALL);
        Mqtt3BlockingClient pub = v3("pub");
        pub.connect();
        pub.publishWith().topic("sensors/kitchen/temp").payload(bytes("21.5")).qos(qos).send();

        Mqtt3Publish received = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
        assertEquals("sensors/kitchen/temp", received.getTopic().toString());
        assertArrayEquals(bytes("21.5"), received.getPayloadAsBytes());
        assertEquals(qos, received.getQos());
        assertFalse(received.isRetain());
    }

    @ParameterizedTest
    @EnumSource(MqttQos.class)
    void v5MessageArrivesWithPropertiesForwarded(MqttQos qos) throws Exception {
        start();
        Mqtt5BlockingClient sub = v5("sub");
        sub.connect();
        sub.subscribeWith().topicFilter("req/#").qos(qos).send();
        var publishes = sub.publishes(MqttGlobalPublishFilter.ALL);
        Mqtt5BlockingClient pub = v5("pub");
        pub.connect();
        pub.publishWith().topic("req/a").payload(bytes("x")).qos(qos)
                .contentType("text/plain").responseTopic("resp/a").correlationData(bytes("42"))
                .userProperties().add("k", "v").applyUserProperties()
                .payloadFormatIndicator(com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator.UTF_8)
                .send();

        Mqtt5Publish received = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
        assertEquals(qos, received.getQos());
        assertEquals("text/plain", received.getContentType().orElseThrow().toString());
        assertEquals("resp/a", received.getResponseTopic().orElseThrow().toString());
        assertArrayEquals(bytes("42"), StandardCharsets.UTF_8.decode(received.getCorrelationData().orElseThrow())
                .toString().getBytes(StandardCharsets.UTF_8));
        assertEquals("v", received.getUserProperties().asList().get(0).getValue().toString());
        assertTrue(received.getPayloadFormatIndicator().isPresent());
    }

    @Test
    void retainedMessageIsDeliveredOnSubscribeAndClearedByEmptyPayload() throws Exception {
        start();
        Mqtt3BlockingClient pub = v3("pub");
        pub.connect();
        pub.publishWith().topic("status/door").payload(bytes("open")).qos(MqttQos.AT_LEAST_ONCE).retain(true).send();
        pub.publishWith().topic("status/door").payload(bytes("closed")).qos(MqttQos.AT_LEAST_ONCE).retain(true).send();

        Mqtt3BlockingClient first = v3("first");
        first.connect();
        var firstPublishes = first.publishes(MqttGlobalPublishFilter.ALL);
        first.subscribeWith().topicFilter("status/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt3Publish retained = firstPublishes.receive(5, TimeUnit.SECONDS).orElseThrow();
        assertArrayEquals(bytes("closed"), retained.getPayloadAsBytes());
        assertTrue(retained.isRetain());

        pub.publishWith().topic("status/door").payload(new byte[0]).qos(MqttQos.AT_LEAST_ONCE).retain(true).send();
        // The empty retained message is forwarded to existing subscribers too (with RETAIN 0).
        assertEquals(0, firstPublishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes().length);

        Mqtt3BlockingClient second = v3("second");
        second.connect();
        var secondPublishes = second.publishes(MqttGlobalPublishFilter.ALL);
        second.subscribeWith().topicFilter("status/#").send();
        Marker.subscribe(second);
        Marker.assertNext(broker, secondPublishes);
    }

    @Test
    void overlappingSubscriptionsGiveOneCopyAtTheHighestQos() throws Exception {
        start();
        Mqtt3BlockingClient sub = v3("sub");
        sub.connect();
        var publishes = sub.publishes(MqttGlobalPublishFilter.ALL);
        sub.subscribeWith().topicFilter("a/#").qos(MqttQos.AT_MOST_ONCE).send();
        sub.subscribeWith().topicFilter("a/+").qos(MqttQos.EXACTLY_ONCE).send();
        Marker.subscribe(sub);
        broker.publish("a/b", bytes("1"), 2, false);

        assertEquals(MqttQos.EXACTLY_ONCE, publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getQos());
        Marker.assertNext(broker, publishes);
    }

    @Test
    void v5OverlappingSubscriptionsGiveOneCopyPerSubscriptionWithItsOwnQosAndRetainAsPublished() throws Exception {
        start();
        Mqtt5BlockingClient sub = v5("sub");
        sub.connect();
        var publishes = sub.publishes(MqttGlobalPublishFilter.ALL);
        sub.subscribe(com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe.builder()
                .topicFilter("a/#").qos(MqttQos.AT_MOST_ONCE).retainAsPublished(true).build());
        sub.subscribe(com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe.builder()
                .topicFilter("a/+").qos(MqttQos.AT_LEAST_ONCE).build());
        Marker.subscribe(sub);
        broker.publish("a/b", bytes("1"), 1, true);

        java.util.Set<String> copies = new java.util.HashSet<>();
        for (int i = 0; i < 2; i++) {
            Mqtt5Publish p = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
            copies.add(p.getTopic() + " " + p.getQos() + " retain=" + p.isRetain());
        }
        // As mosquitto and EMQX: one per subscription, each as that subscription asked.
        assertEquals(java.util.Set.of("a/b AT_MOST_ONCE retain=true", "a/b AT_LEAST_ONCE retain=false"), copies);
        Marker.assertNext(broker, publishes);
    }

    @Test
    void v5NoLocalDropsOnlyTheCopyOfItsOwnSubscription() throws Exception {
        start();
        Mqtt5BlockingClient sub = v5("sub");
        sub.connect();
        var publishes = sub.publishes(MqttGlobalPublishFilter.ALL);
        sub.subscribe(com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe.builder()
                .topicFilter("a/#").qos(MqttQos.AT_LEAST_ONCE).noLocal(true).build());
        sub.subscribe(com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe.builder()
                .topicFilter("a/+").qos(MqttQos.AT_MOST_ONCE).build());
        Marker.subscribe(sub);
        sub.publishWith().topic("a/b").payload(bytes("own")).qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt5Publish p = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
        assertEquals("a/b " + MqttQos.AT_MOST_ONCE, p.getTopic() + " " + p.getQos(), "the copy of a/+ only");
        Marker.assertNext(sub, publishes);
    }

    @Test
    void wildcardFiltersDoNotMatchDollarTopics() throws Exception {
        start();
        Mqtt3BlockingClient sub = v3("sub");
        sub.connect();
        var publishes = sub.publishes(MqttGlobalPublishFilter.ALL);
        sub.subscribeWith().topicFilter("#").send();
        sub.subscribeWith().topicFilter("+/info").send();
        broker.publish("$SYS/info", bytes("hidden"), 0, false);
        broker.publish("visible/info", bytes("shown"), 0, false);

        assertArrayEquals(bytes("shown"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
        Marker.assertNext(broker, publishes); // '#' matches the marker too
    }

    @Test
    void sharedSubscriptionDeliversEachMessageToOneMemberRoundRobin() throws Exception {
        start();
        Mqtt5BlockingClient a = v5("a");
        Mqtt3BlockingClient b = v3("b");
        a.connect();
        b.connect();
        var aPublishes = a.publishes(MqttGlobalPublishFilter.ALL);
        var bPublishes = b.publishes(MqttGlobalPublishFilter.ALL);
        a.subscribeWith().topicFilter("$share/workers/jobs/+").qos(MqttQos.AT_LEAST_ONCE).send();
        b.subscribeWith().topicFilter("$share/workers/jobs/+").qos(MqttQos.AT_LEAST_ONCE).send();
        a.subscribeWith().topicFilter("done").qos(MqttQos.AT_LEAST_ONCE).send();
        b.subscribeWith().topicFilter("done").qos(MqttQos.AT_LEAST_ONCE).send();
        for (int i = 0; i < 4; i++) {
            broker.publish("jobs/" + i, bytes("job" + i), 1, false);
        }
        // "done" goes to both after the jobs: each member's jobs are what it got before it.
        broker.publish("done", bytes("done"), 1, false);
        assertEquals(2, jobsBefore("done", () -> aPublishes.receive(10, TimeUnit.SECONDS).map(p -> p.getTopic().toString())));
        assertEquals(2, jobsBefore("done", () -> bPublishes.receive(10, TimeUnit.SECONDS).map(p -> p.getTopic().toString())));
    }

    @Test
    void v5NoLocalSubscriptionDoesNotEchoOwnMessages() throws Exception {
        start();
        Mqtt5BlockingClient c = v5("chat");
        c.connect();
        var publishes = c.publishes(MqttGlobalPublishFilter.ALL);
        c.subscribeWith().topicFilter("room").noLocal(true).send();
        Marker.subscribe(c);
        c.publishWith().topic("room").payload(bytes("mine")).send();
        // Its own marker (no No Local on that filter) comes back after "mine" would have.
        Marker.assertNext(c, publishes);
        broker.publish("room", bytes("theirs"), 0, false);
        assertArrayEquals(bytes("theirs"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
    }

    @Test
    void applicationObserverSeesAcceptedMessages() throws Exception {
        start();
        var seen = new java.util.concurrent.CompletableFuture<String>();
        broker.addMessageObserver((who, topic, payload, qos, retain) ->
                seen.complete(who.clientId() + " " + topic + " " + new String(payload, StandardCharsets.UTF_8)));
        Mqtt3BlockingClient pub = v3("pub");
        pub.connect();
        pub.publishWith().topic("t").payload(bytes("p")).send();
        assertEquals("pub t p", seen.get(5, TimeUnit.SECONDS));
    }

    @Test
    void v5OverlappingSubscriptionsEachGiveACopyWithTheirOwnIdentifier() throws Exception {
        start();
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.packet(0x10, RawClient.concat(RawClient.string("MQTT"), new byte[]{5, 0x02, 0, 60, 0},
                    RawClient.string("ids"))));
            raw.read();
            // SUBSCRIBE id 1, properties: Subscription Identifier (0x0B) 7 / 9, one filter each.
            raw.send(RawClient.packet(0x82, RawClient.concat(new byte[]{0, 1, 2, 0x0B, 7}, RawClient.string("a/+"), new byte[]{0})));
            raw.read();
            raw.send(RawClient.packet(0x82, RawClient.concat(new byte[]{0, 2, 2, 0x0B, 9}, RawClient.string("a/#"), new byte[]{0})));
            raw.read();
            broker.publish("a/b", bytes("x"), 0, false);
            // Two copies (§3.3.4: each carries the identifier of its subscription), in either order:
            // topic "a/b" (2+3 bytes), then properties: length 2, 0x0B and the id, then the payload.
            java.util.Set<Integer> ids = new java.util.HashSet<>();
            for (int i = 0; i < 2; i++) {
                byte[] body = raw.read().body();
                assertEquals(2, body[5]);
                assertEquals(0x0B, body[6]);
                ids.add((int) body[7]);
            }
            assertEquals(java.util.Set.of(7, 9), ids);
        }
    }

    private interface NextTopic {
        Optional<String> get() throws InterruptedException;
    }

    private static int jobsBefore(String marker, NextTopic next) throws InterruptedException {
        int jobs = 0;
        for (String topic = next.get().orElseThrow(); !topic.equals(marker); topic = next.get().orElseThrow()) {
            jobs++;
        }
        return jobs;
    }
}

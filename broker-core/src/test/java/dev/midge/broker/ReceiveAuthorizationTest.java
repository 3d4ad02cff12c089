package dev.midge.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every delivery is checked against the rules and the identity of the client it is handed to,
 * not only at routing time: queued, restored and retained messages included. "Not delivered"
 * is shown by a marker that must arrive first (or next).
 */
class ReceiveAuthorizationTest extends BrokerTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void startWith(Consumer<BrokerOptions.Builder> more) throws InterruptedException {
        start(b -> more.accept(b.persistence(dir)));
    }

    private void aliceSubscribesToEverythingAndGoesOffline() {
        Mqtt5BlockingClient alice = v5("alice");
        alice.connectWith().sessionExpiryInterval(3600).simpleAuth().username("alice").applySimpleAuth().send();
        alice.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
        alice.disconnect();
        awaitGone("alice");
    }

    /** QoS 1 from a writer (alice may write secret/#): back once the PUBACK came, so it is queued and on disk. */
    private void publish(String topic, String payload) {
        Mqtt5BlockingClient pub = v5("pub");
        pub.connectWith().simpleAuth().username("alice").applySimpleAuth().send();
        pub.publishWith().topic(topic).payload(bytes(payload)).qos(MqttQos.AT_LEAST_ONCE).send();
        pub.disconnect();
        awaitGone("pub");
    }

    private Mqtt5Publish firstMessageOnResume() throws InterruptedException {
        Mqtt5BlockingClient alice = v5("alice");
        var inbox = alice.publishes(MqttGlobalPublishFilter.ALL);
        assertTrue(alice.connectWith().cleanStart(false).sessionExpiryInterval(3600)
                .simpleAuth().username("alice").applySimpleAuth().send().isSessionPresent());
        return inbox.receive(5, TimeUnit.SECONDS).orElseThrow();
    }

    @Test
    void aQueuedMessageIsCheckedAgainstTheRulesInForceWhenItIsDelivered() throws Exception {
        SecurityTest.SecretRules rules = new SecurityTest.SecretRules();
        startWith(b -> b.authorizer(rules));
        aliceSubscribesToEverythingAndGoesOffline();
        publish("secret/x", "queued while alice could read it");
        publish("public/marker", "marker");

        rules.readers.remove("alice");

        assertEquals("public/marker", firstMessageOnResume().getTopic().toString());
    }

    @Test
    void aMessageRestoredAfterARestartIsCheckedAgainstTheRulesAfterTheRestart() throws Exception {
        startWith(b -> { });
        aliceSubscribesToEverythingAndGoesOffline();
        publish("secret/x", "stored under the old rules");
        publish("public/marker", "marker");
        broker.close();

        SecurityTest.SecretRules rules = new SecurityTest.SecretRules();
        rules.readers.remove("alice");
        startWith(b -> b.authorizer(rules));

        assertEquals("public/marker", firstMessageOnResume().getTopic().toString());
    }

    @Test
    void retainedMessagesGoOnlyWhereTheSubscriberMayRead() throws Exception {
        startWith(b -> b.authorizer(new SecurityTest.SecretRules()));
        broker.publish("secret/r", bytes("hidden"), 1, true);
        broker.publish("public/r", bytes("visible"), 1, true);
        Mqtt5BlockingClient bob = v5("bob");
        var inbox = bob.publishes(MqttGlobalPublishFilter.ALL);
        bob.connectWith().simpleAuth().username("bob").applySimpleAuth().send();
        bob.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
        broker.publish("public/marker", bytes("marker"), 1, false);

        List<String> topics = new ArrayList<>();
        do {
            topics.add(inbox.receive(5, TimeUnit.SECONDS).orElseThrow().getTopic().toString());
        } while (!topics.get(topics.size() - 1).equals("public/marker"));
        assertEquals(List.of("public/r", "public/marker"), topics);
    }

    /** Everything readable except the topics in {@code hidden}, which can grow while a client is away. */
    private static final class HidingRules implements dev.midge.broker.security.Authorizer {
        final java.util.Set<String> hidden = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override public boolean canPublish(dev.midge.broker.security.ClientIdentity c, String t) { return true; }
        @Override public boolean canSubscribe(dev.midge.broker.security.ClientIdentity c, String f) { return true; }
        @Override public boolean canReceive(dev.midge.broker.security.ClientIdentity c, String t) { return !hidden.contains(t); }
    }

    private static String topicOf(RawClient.Packet publish) {
        int length = ((publish.body()[0] & 0xFF) << 8) | (publish.body()[1] & 0xFF);
        return new String(publish.body(), 2, length, StandardCharsets.UTF_8);
    }

    @Test
    void anUnacknowledgedMessageIsNotResentOnceTheClientMayNoLongerReadIt() throws Exception {
        HidingRules rules = new HidingRules();
        start(b -> b.authorizer(rules));
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("raw", false));
            assertEquals(2, raw.read().type());
            raw.send(RawClient.subscribe(1, "t/#", 1));
            assertEquals(9, raw.read().type());
            broker.publish("t/secret", bytes("in flight"), 1, false);
            assertEquals("t/secret", topicOf(raw.read())); // never acknowledged
        }
        awaitGone("raw");
        rules.hidden.add("t/secret");
        broker.publish("t/marker", bytes("marker"), 1, false);

        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("raw", false));
            assertEquals(1, raw.read().body()[0], "session present");
            RawClient.Packet next = raw.read();
            assertEquals(3, next.type());
            assertEquals("t/marker", topicOf(next), "the in-flight message must not be resent with DUP");
            raw.send(RawClient.puback(RawClient.packetIdOfPublish(next)));
        }
    }
}

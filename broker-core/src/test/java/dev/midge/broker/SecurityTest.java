package dev.midge.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import dev.midge.broker.security.AuthenticationResult;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecurityTest extends BrokerTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Only "alice" may touch "secret/#"; everyone may use the rest. Changeable at runtime. */
    static final class SecretRules implements Authorizer {
        final Set<String> readers = ConcurrentHashMap.newKeySet();

        SecretRules() {
            readers.add("alice");
        }

        private boolean allowed(ClientIdentity c, String topic) {
            return !topic.startsWith("secret") || readers.contains(String.valueOf(c.username()));
        }

        @Override public boolean canPublish(ClientIdentity c, String topic) { return allowed(c, topic); }
        @Override public boolean canSubscribe(ClientIdentity c, String filter) { return allowed(c, filter); }
        @Override public boolean canReceive(ClientIdentity c, String topic) { return allowed(c, topic); }
    }

    @Test
    void refusedV311ClientGetsConnackNotAuthorized() throws Exception {
        start(b -> b.authenticator(r -> AuthenticationResult.refuse("wrong password")));
        Mqtt3BlockingClient c = v3("intruder");
        Mqtt3ConnAckException e = assertThrows(Mqtt3ConnAckException.class,
                () -> c.connectWith().simpleAuth().username("x").password(bytes("y")).applySimpleAuth().send());
        assertEquals(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED, e.getMqttMessage().getReturnCode());
    }

    @Test
    void refusedV5ClientGetsBadUsernameOrPasswordWhenAPasswordWasChecked() throws Exception {
        start(b -> b.authenticator(r -> AuthenticationResult.refuse("wrong password")));
        Mqtt5BlockingClient withPassword = v5("intruder");
        Mqtt5ConnAckException e = assertThrows(Mqtt5ConnAckException.class,
                () -> withPassword.connectWith().simpleAuth().username("x").password(bytes("y")).applySimpleAuth().send());
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, e.getMqttMessage().getReasonCode());

        Mqtt5BlockingClient anonymous = v5("anonymous");
        Mqtt5ConnAckException e2 = assertThrows(Mqtt5ConnAckException.class, anonymous::connect);
        assertEquals(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED, e2.getMqttMessage().getReasonCode());
    }

    @Test
    void authenticatorRunsOffTheEventLoopAndSeesTheConnect() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        start(b -> b.authenticator(r -> {
            seen.complete(Thread.currentThread().getName() + " " + r.clientId() + " " + r.username()
                    + " " + new String(r.password(), StandardCharsets.UTF_8));
            return AuthenticationResult.accept(r.username());
        }));
        Mqtt3BlockingClient c = v3("dev1");
        c.connectWith().simpleAuth().username("bob").password(bytes("pw")).applySimpleAuth().send();
        String s = seen.get(5, TimeUnit.SECONDS);
        assertTrue(s.startsWith("midge-auth"), s);
        assertTrue(s.endsWith("dev1 bob pw"), s);
        assertEquals("bob", broker.connectedClients().get(0).username());
    }

    @Test
    void v311DeniedPublishIsAcknowledgedButNotDelivered() throws Exception {
        start(b -> b.authorizer(new SecretRules()));
        Mqtt3BlockingClient alice = v3("alice");
        alice.connectWith().simpleAuth().username("alice").applySimpleAuth().send();
        var publishes = alice.publishes(MqttGlobalPublishFilter.ALL);
        alice.subscribeWith().topicFilter("secret/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Marker.subscribe(alice);

        Mqtt3BlockingClient mallory = v3("mallory");
        mallory.connectWith().simpleAuth().username("mallory").applySimpleAuth().send();
        // Returns only once PUBACK/PUBCOMP arrived: the denied message is still acknowledged.
        mallory.publishWith().topic("secret/x").payload(bytes("evil")).qos(MqttQos.AT_LEAST_ONCE).send();
        mallory.publishWith().topic("secret/x").payload(bytes("evil2")).qos(MqttQos.EXACTLY_ONCE).send();
        alice.publishWith().topic("secret/x").payload(bytes("good")).qos(MqttQos.AT_LEAST_ONCE).send();

        assertArrayEquals(bytes("good"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
        Marker.assertNext(broker, publishes);
    }

    @Test
    void v5DeniedPublishGetsPubackNotAuthorized() throws Exception {
        start(b -> b.authorizer(new SecretRules()));
        Mqtt5BlockingClient mallory = v5("mallory");
        mallory.connect();
        Mqtt5PubAckException e = assertThrows(Mqtt5PubAckException.class, () -> mallory.publishWith()
                .topic("secret/x").payload(bytes("evil")).qos(MqttQos.AT_LEAST_ONCE).send());
        assertEquals(Mqtt5PubAckReasonCode.NOT_AUTHORIZED, e.getMqttMessage().getReasonCode());
        assertTrue(mallory.getState().isConnected());
    }

    @Test
    void deniedSubscribeGetsFailureCode() throws Exception {
        start(b -> b.authorizer(new SecretRules()));
        Mqtt3BlockingClient v3 = v3("m3");
        v3.connect();
        Mqtt3SubAckException e3 = assertThrows(Mqtt3SubAckException.class,
                () -> v3.subscribeWith().topicFilter("secret/#").send());
        assertEquals(Mqtt3SubAckReturnCode.FAILURE, e3.getMqttMessage().getReturnCodes().get(0));
        Mqtt5BlockingClient v5 = v5("m5");
        v5.connect();
        Mqtt5SubAckException e5 = assertThrows(Mqtt5SubAckException.class,
                () -> v5.subscribeWith().topicFilter("secret/#").send());
        assertEquals(Mqtt5SubAckReasonCode.NOT_AUTHORIZED, e5.getMqttMessage().getReasonCodes().get(0));
    }

    @Test
    void wildcardSubscriberNeverReceivesATopicItMayNotRead() throws Exception {
        SecretRules rules = new SecretRules();
        start(b -> b.authorizer(rules));
        broker.publish("secret/retained", bytes("r"), 1, true);
        Mqtt3BlockingClient bob = v3("bob");
        bob.connectWith().simpleAuth().username("bob").applySimpleAuth().send();
        var publishes = bob.publishes(MqttGlobalPublishFilter.ALL);
        bob.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
        broker.publish("secret/live", bytes("s"), 1, false);
        broker.publish("public", bytes("p"), 1, false);
        assertArrayEquals(bytes("p"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());

        // The authoriser is consulted live: granting bob access applies to the next message.
        rules.readers.add("bob");
        broker.publish("secret/live", bytes("now"), 1, false);
        assertArrayEquals(bytes("now"), publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
    }

    @Test
    void listenerAuthorizerOverridesTheBrokers() throws Exception {
        start(b -> b.authorizer(new SecretRules()));
        broker.close();
        broker = MidgeBroker.start(BrokerOptions.builder().authorizer(new SecretRules())
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1").withAuthorizer(Authorizer.allowAll()))
                .build());
        Mqtt5BlockingClient c = v5("anyone");
        c.connect();
        assertEquals(Mqtt5SubAckReasonCode.GRANTED_QOS_0,
                c.subscribeWith().topicFilter("secret/#").qos(MqttQos.AT_MOST_ONCE).send().getReasonCodes().get(0));
    }

    @Test
    void disconnectClientsDropsTheSelectedOnesOnly() throws Exception {
        start();
        Mqtt5BlockingClient revoked = v5("revoked");
        Mqtt5BlockingClient fine = v5("fine");
        revoked.connect();
        fine.connect();
        assertEquals(1, broker.disconnectClients(id -> id.clientId().equals("revoked"), "certificate revoked"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> !revoked.getState().isConnected());
        assertTrue(fine.getState().isConnected());
        assertFalse(broker.connectedClients().stream().anyMatch(i -> i.clientId().equals("revoked")));
    }

    @Test
    void maxConnectionsRefusesSocketsBeyondTheLimit() throws Exception {
        start(b -> { });
        broker.close();
        broker = MidgeBroker.start(BrokerOptions.builder()
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1").withMaxConnections(1)).build());
        Mqtt3BlockingClient first = v3("first");
        first.connect();
        try (RawClient second = new RawClient(broker.port())) {
            second.send(RawClient.connect("second", true));
            assertEquals(0, second.readUntilClosed().size());
        }
        assertTrue(first.getState().isConnected());
    }
}

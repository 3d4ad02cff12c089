package dev.midge.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import dev.midge.broker.security.AuthPlugin;
import dev.midge.broker.security.AuthenticationResult;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.security.ConnectRequest;
import dev.midge.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An {@link AuthPlugin} is asked after the broker's own authenticator and authoriser, and a
 * client gets in, publishes, subscribes and receives only what both allow.
 */
class AuthPluginTest extends BrokerTest {

    /** Refuses the username "blocked"; denies publishing to plugin-denied/#, subscribing to nosub/#, reading hidden/#. */
    static final class TopicPlugin implements AuthPlugin {
        final List<String> connectsSeen = new CopyOnWriteArrayList<>();

        @Override
        public AuthenticationResult checkConnect(ConnectRequest request, String username) {
            connectsSeen.add(request.clientId() + "/" + username + "/"
                    + (request.password() == null ? "" : new String(request.password(), StandardCharsets.UTF_8)));
            return "blocked".equals(username) ? AuthenticationResult.refuse("user blocked\nby plugin")
                    : AuthenticationResult.accept(username);
        }

        @Override
        public boolean canPublish(ClientIdentity client, String topic) {
            return !topic.startsWith("plugin-denied/");
        }

        @Override
        public boolean canSubscribe(ClientIdentity client, String topicFilter) {
            return !topicFilter.startsWith("nosub/");
        }

        @Override
        public boolean canReceive(ClientIdentity client, String topic) {
            return !topic.startsWith("hidden/");
        }
    }

    /** The "ACL": denies acl-denied/# to everyone. */
    static final Authorizer ACL = new Authorizer() {
        @Override public boolean canPublish(ClientIdentity c, String topic) { return !topic.startsWith("acl-denied/"); }
        @Override public boolean canSubscribe(ClientIdentity c, String filter) { return !filter.startsWith("acl-denied/"); }
        @Override public boolean canReceive(ClientIdentity c, String topic) { return !topic.startsWith("acl-denied/"); }
    };

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void pluginRefusesAConnectTheAuthenticatorAcceptedAndSeesThePassword() throws Exception {
        TopicPlugin plugin = new TopicPlugin();
        start(b -> b.plugin(plugin));
        try (LogCapture log = LogCapture.of("dev.midge")) {
            Mqtt5ConnAckException e = assertThrows(Mqtt5ConnAckException.class, () -> v5("c5").connectWith()
                    .simpleAuth().username("blocked").password(bytes("pw")).applySimpleAuth().send());
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, e.getMqttMessage().getReasonCode());
            Mqtt3BlockingClient v3 = v3("c3");
            Mqtt3ConnAckException e3 = assertThrows(Mqtt3ConnAckException.class, () -> v3.connectWith()
                    .simpleAuth().username("blocked").applySimpleAuth().send());
            assertEquals(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED, e3.getMqttMessage().getReturnCode());
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("c5") && m.contains("user blocked\\nby plugin")
                    && m.contains(TopicPlugin.class.getName())), log.messages().toString());
        }
        v5("fine").connectWith().simpleAuth().username("alice").password(bytes("secret")).applySimpleAuth().send();
        assertTrue(plugin.connectsSeen.contains("fine/alice/secret"), plugin.connectsSeen.toString());
        assertEquals(1, broker.connectedClients().size());
    }

    @Test
    void aConnectTheAuthenticatorRefusedNeverReachesThePlugin() throws Exception {
        TopicPlugin plugin = new TopicPlugin();
        start(b -> b.plugin(plugin).authenticator(r -> AuthenticationResult.refuse("wrong password")));
        assertThrows(Mqtt5ConnAckException.class, () -> v5("c").connectWith()
                .simpleAuth().username("alice").applySimpleAuth().send());
        assertEquals(List.of(), plugin.connectsSeen);
    }

    @Test
    void publishIsDeniedWhenEitherThePluginOrTheAclDenies() throws Exception {
        start(b -> b.plugin(new TopicPlugin()).authorizer(ACL));
        Mqtt5BlockingClient reader = v5("reader");
        reader.connect();
        var inbox = reader.publishes(MqttGlobalPublishFilter.ALL);
        reader.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient writer = v5("writer");
        writer.connect();
        for (String topic : List.of("plugin-denied/x", "acl-denied/x")) {
            Mqtt5PubAckException e = assertThrows(Mqtt5PubAckException.class, () -> writer.publishWith()
                    .topic(topic).payload(bytes("no")).qos(MqttQos.AT_LEAST_ONCE).send(), topic);
            assertEquals(Mqtt5PubAckReasonCode.NOT_AUTHORIZED, e.getMqttMessage().getReasonCode(), topic);
        }
        Marker.assertNext(writer, inbox);
    }

    @Test
    void subscribeIsDeniedWhenEitherDenies() throws Exception {
        start(b -> b.plugin(new TopicPlugin()).authorizer(ACL));
        Mqtt5BlockingClient c = v5("sub");
        c.connect();
        for (String filter : List.of("nosub/#", "acl-denied/#")) {
            Mqtt5SubAckException e = assertThrows(Mqtt5SubAckException.class,
                    () -> c.subscribeWith().topicFilter(filter).send(), filter);
            assertEquals(Mqtt5SubAckReasonCode.NOT_AUTHORIZED, e.getMqttMessage().getReasonCodes().get(0), filter);
        }
        assertEquals(Mqtt5SubAckReasonCode.GRANTED_QOS_0,
                c.subscribeWith().topicFilter("open/#").qos(MqttQos.AT_MOST_ONCE).send().getReasonCodes().get(0));
    }

    @Test
    void aWildcardSubscriberDoesNotReceiveWhatThePluginHidesLiveOrRetained() throws Exception {
        start(b -> b.plugin(new TopicPlugin()));
        broker.publish("hidden/retained", bytes("r"), 1, true);
        broker.publish("open/retained", bytes("r"), 1, true);
        Mqtt5BlockingClient reader = v5("reader");
        reader.connect();
        var inbox = reader.publishes(MqttGlobalPublishFilter.ALL);
        reader.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
        assertEquals("open/retained", inbox.receive().getTopic().toString());
        broker.publish("hidden/live", bytes("h"), 1, false);
        Marker.assertNext(broker, inbox);
    }

    @Test
    void clientIdPrefixesRefusesOtherIds() throws Exception {
        start(b -> b.clientIdPrefixes("fleet-"));
        v5("fleet-1").connect();
        try (LogCapture log = LogCapture.of("dev.midge")) {
            Mqtt5ConnAckException e = assertThrows(Mqtt5ConnAckException.class, () -> v5("other-1").connect());
            assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, e.getMqttMessage().getReasonCode());
            Mqtt3BlockingClient v3 = v3("flee");
            Mqtt3ConnAckException e3 = assertThrows(Mqtt3ConnAckException.class, v3::connect);
            assertEquals(Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED, e3.getMqttMessage().getReturnCode());
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("other-1") && m.contains("clientid_prefixes 'fleet-'")),
                    log.messages().toString());
        }
        assertEquals(1, broker.connectedClients().size());
    }
}

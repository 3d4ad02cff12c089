package dev.midge.broker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * mosquitto's mount_point: a listener's clients live below a prefix. What they send is prefixed,
 * what they receive has it removed, and the authoriser sees the prefixed topic.
 */
class MountPointTest extends BrokerTest {

    /** Only topics and filters under tenant1/ (or the marker) may be used: proves the authoriser sees the mounted topic. */
    static final Authorizer TENANT1_ONLY = new Authorizer() {
        private boolean ok(String t) {
            return t.startsWith("tenant1/") || t.startsWith("$share/g/tenant1/") || t.equals("#") || t.equals(Marker.TOPIC);
        }
        @Override public boolean canPublish(ClientIdentity c, String topic) { return ok(topic); }
        @Override public boolean canSubscribe(ClientIdentity c, String filter) { return ok(filter); }
        @Override public boolean canReceive(ClientIdentity c, String topic) { return true; }
    };

    private int mounted;
    private int plain;

    private void startMounted() throws InterruptedException {
        broker = MidgeBroker.start(BrokerOptions.builder().authorizer(TENANT1_ONLY)
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1")
                        .withRules(new ListenerRules(2, -1, "tenant1/")))
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1"))
                .build());
        mounted = broker.listenerAddresses().get(0).getPort();
        plain = broker.listenerAddresses().get(1).getPort();
    }

    private Mqtt5BlockingClient connect(String id, int port) {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1")
                .serverPort(port).buildBlocking();
        c.connect();
        return c;
    }

    private static String text(Mqtt5Publish p) {
        return p.getTopic() + " " + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static void publish(Mqtt5BlockingClient c, String topic, String payload) {
        c.publishWith().topic(topic).payload(payload.getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
    }

    @Test
    void aMountedThreeOneOneClientReceivesBelowItsMountPoint() throws Exception {
        // 3.1.1 PUBLISHes are written as bytes of an outbox run, past Netty's encoder: the
        // mount point must still come off.
        startMounted();
        var inside = MqttClient.builder().useMqttVersion3().identifier("inside3").serverHost("127.0.0.1")
                .serverPort(mounted).buildBlocking();
        inside.connect();
        var inbox = inside.publishes(MqttGlobalPublishFilter.ALL);
        inside.subscribeWith().topicFilter("sensors/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient outside = connect("outside", plain);

        publish(outside, "tenant1/sensors/v3", "in");
        var got = inbox.receive(10, TimeUnit.SECONDS).orElseThrow();
        assertEquals("sensors/v3 in", got.getTopic() + " " + new String(got.getPayloadAsBytes(), StandardCharsets.UTF_8));
        inside.disconnect();
        outside.disconnect();
    }

    @Test
    void aMountedClientSendsAndReceivesBelowItsMountPoint() throws Exception {
        startMounted();
        Mqtt5BlockingClient inside = connect("inside", mounted);
        var insideInbox = inside.publishes(MqttGlobalPublishFilter.ALL);
        inside.subscribeWith().topicFilter("sensors/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient outside = connect("outside", plain);
        var outsideInbox = outside.publishes(MqttGlobalPublishFilter.ALL);
        outside.subscribeWith().topicFilter("tenant1/#").qos(MqttQos.AT_LEAST_ONCE).send();

        publish(outside, "tenant1/sensors/t", "in");
        assertEquals("sensors/t in", text(insideInbox.receive(10, TimeUnit.SECONDS).orElseThrow()));

        assertEquals("tenant1/sensors/t in", text(outsideInbox.receive(10, TimeUnit.SECONDS).orElseThrow()));
        publish(inside, "sensors/x", "out");
        assertEquals("tenant1/sensors/x out", text(outsideInbox.receive(10, TimeUnit.SECONDS).orElseThrow()));
        inside.disconnect();
        outside.disconnect();
    }

    @Test
    void aMountedWildcardSeesOnlyItsOwnBranch() throws Exception {
        startMounted();
        Mqtt5BlockingClient inside = connect("inside", mounted);
        var inbox = inside.publishes(MqttGlobalPublishFilter.ALL);
        inside.subscribeWith().topicFilter("#").qos(MqttQos.AT_LEAST_ONCE).send();
        broker.publish("other/x", "not yours".getBytes(StandardCharsets.UTF_8), 1, false);
        broker.publish("tenant1/next", "yours".getBytes(StandardCharsets.UTF_8), 1, false);
        assertEquals("next yours", text(inbox.receive(10, TimeUnit.SECONDS).orElseThrow()));
        inside.disconnect();
    }

    @Test
    void theAuthoriserSeesTheMountedFilterAndSharedSubscriptionsAreMountedInside() throws Exception {
        startMounted();
        Mqtt5BlockingClient inside = connect("inside", mounted);
        assertEquals(Mqtt5SubAckReasonCode.GRANTED_QOS_1, inside.subscribeWith().topicFilter("$share/g/sensors/#")
                .qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes().get(0));
        var inbox = inside.publishes(MqttGlobalPublishFilter.ALL);
        Mqtt5BlockingClient outside = connect("outside", plain);
        // The same filter from the plain listener is not under tenant1/, so the authoriser refuses it.
        var denied = org.junit.jupiter.api.Assertions.assertThrows(
                com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException.class,
                () -> outside.subscribeWith().topicFilter("sensors/#").send());
        assertEquals(Mqtt5SubAckReasonCode.NOT_AUTHORIZED, denied.getMqttMessage().getReasonCodes().get(0));
        publish(outside, "tenant1/sensors/s", "shared");
        assertEquals("sensors/s shared", text(inbox.receive(10, TimeUnit.SECONDS).orElseThrow()));
        inside.disconnect();
        outside.disconnect();
    }

    @Test
    void aMountedClientsWillIsMounted() throws Exception {
        startMounted();
        Mqtt5BlockingClient outside = connect("outside", plain);
        var inbox = outside.publishes(MqttGlobalPublishFilter.ALL);
        outside.subscribeWith().topicFilter("tenant1/status").qos(MqttQos.AT_LEAST_ONCE).send();
        Mqtt5BlockingClient dying = MqttClient.builder().useMqttVersion5().identifier("dying").serverHost("127.0.0.1")
                .serverPort(mounted).buildBlocking();
        dying.connectWith().willPublish().topic("status").payload("gone".getBytes(StandardCharsets.UTF_8))
                .qos(MqttQos.AT_LEAST_ONCE).applyWillPublish().send();
        dying.disconnectWith().reasonCode(com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode
                .DISCONNECT_WITH_WILL_MESSAGE).send();
        assertEquals("tenant1/status gone", text(inbox.receive(10, TimeUnit.SECONDS).orElseThrow()));
        outside.disconnect();
    }
}

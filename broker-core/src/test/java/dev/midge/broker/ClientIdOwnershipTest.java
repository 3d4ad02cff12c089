package dev.midge.broker;

import dev.midge.testing.LogCapture;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdTakeover;
import dev.midge.broker.security.ClientIdentity;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client id belongs to the username that holds its session: another device reusing it must
 * neither read what was queued for the owner nor push the owner off (the default), and with
 * mosquitto's takeover allowed it gets an empty session, never the owner's.
 */
class ClientIdOwnershipTest extends BrokerTest {

    /** "mon" reads everything; device devN reads /admin/devN/# and writes its attrs. */
    static final class DeviceRules implements Authorizer {
        private static boolean own(ClientIdentity c, String topic) {
            return "mon".equals(c.username()) || topic.startsWith("/admin/" + c.username() + "/");
        }

        @Override public boolean canPublish(ClientIdentity c, String topic) { return own(c, topic); }
        @Override public boolean canSubscribe(ClientIdentity c, String filter) { return own(c, filter); }
        @Override public boolean canReceive(ClientIdentity c, String topic) { return own(c, topic); }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Mqtt5BlockingClient connectAs(String clientId, String username, boolean cleanStart) {
        Mqtt5BlockingClient c = v5(clientId);
        c.connectWith().cleanStart(cleanStart).sessionExpiryInterval(3600)
                .simpleAuth().username(username).applySimpleAuth().send();
        return c;
    }

    /** mon holds a persistent session on /admin/# and is offline; dev2 has published to it. */
    private void monHasAQueuedMessageFromDev2() {
        Mqtt5BlockingClient mon = connectAs("mon", "mon", true);
        mon.subscribeWith().topicFilter("/admin/#").qos(MqttQos.AT_LEAST_ONCE).send();
        mon.disconnect();
        awaitGone("mon");
        Mqtt5BlockingClient dev2 = connectAs("dev2", "dev2", true);
        dev2.publishWith().topic("/admin/dev2/attrs").payload(bytes("queued-for-mon")).qos(MqttQos.AT_LEAST_ONCE).send();
    }

    @Test
    void anotherUsernameCannotResumeASessionAndTheOwnerStillGetsItsQueue() throws Exception {
        start(b -> b.authorizer(new DeviceRules()));
        monHasAQueuedMessageFromDev2();

        try (LogCapture log = LogCapture.of("dev.midge.broker.netty.ConnectHandler")) {
            Mqtt5BlockingClient dev1 = v5("mon");
            Mqtt5ConnAckException e = assertThrows(Mqtt5ConnAckException.class, () -> dev1.connectWith()
                    .cleanStart(false).sessionExpiryInterval(3600).simpleAuth().username("dev1").applySimpleAuth().send());
            assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, e.getMqttMessage().getReasonCode());
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("(username dev1) refused")
                    && m.contains("session of username mon")), log.messages().toString());
        }

        Mqtt5BlockingClient mon = v5("mon");
        var inbox = mon.publishes(MqttGlobalPublishFilter.ALL);
        assertTrue(mon.connectWith().cleanStart(false).sessionExpiryInterval(3600)
                .simpleAuth().username("mon").applySimpleAuth().send().isSessionPresent());
        assertEquals("queued-for-mon", new String(inbox.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes(),
                StandardCharsets.UTF_8));
    }

    @Test
    void v311ClientReusingAnotherUsernamesClientIdIsRejected() throws Exception {
        start(b -> b.authorizer(new DeviceRules()));
        monHasAQueuedMessageFromDev2();
        Mqtt3BlockingClient dev1 = v3("mon");
        Mqtt3ConnAckException e = assertThrows(Mqtt3ConnAckException.class, () -> dev1.connectWith()
                .cleanSession(false).simpleAuth().username("dev1").applySimpleAuth().send());
        assertEquals(Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED, e.getMqttMessage().getReturnCode());
    }

    @Test
    void anotherUsernameCannotPushTheOwnerOffEvenWithCleanStart() throws Exception {
        start(b -> b.authorizer(new DeviceRules()));
        Mqtt5BlockingClient mon = connectAs("mon", "mon", true);
        Mqtt5BlockingClient dev1 = v5("mon");
        Mqtt5ConnAckException e = assertThrows(Mqtt5ConnAckException.class, () -> dev1.connectWith()
                .cleanStart(true).simpleAuth().username("dev1").applySimpleAuth().send());
        assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, e.getMqttMessage().getReasonCode());
        assertTrue(mon.getState().isConnected());
        assertEquals("mon", broker.connectedClients().get(0).username());
    }

    @Test
    void theSameUsernameStillTakesOverItsOwnSession() throws Exception {
        start(b -> b.authorizer(new DeviceRules()));
        monHasAQueuedMessageFromDev2();
        Mqtt5BlockingClient mon = v5("mon");
        var inbox = mon.publishes(MqttGlobalPublishFilter.ALL);
        assertTrue(mon.connectWith().cleanStart(false).simpleAuth().username("mon").applySimpleAuth().send()
                .isSessionPresent());
        assertTrue(inbox.receive(5, TimeUnit.SECONDS).isPresent());
    }

    @Test
    void whenTakeoverIsAllowedTheNewcomerGetsAnEmptySessionNotTheOwners() throws Exception {
        start(b -> b.authorizer(new DeviceRules()).clientIdTakeover(ClientIdTakeover.ANY_USERNAME));
        monHasAQueuedMessageFromDev2();

        Mqtt5BlockingClient dev1 = v5("mon");
        var inbox = dev1.publishes(MqttGlobalPublishFilter.ALL);
        assertFalse(dev1.connectWith().cleanStart(false).sessionExpiryInterval(3600)
                .simpleAuth().username("dev1").applySimpleAuth().send().isSessionPresent());
        dev1.subscribeWith().topicFilter("/admin/dev1/config").qos(MqttQos.AT_LEAST_ONCE).send();
        broker.publish("/admin/dev1/config", bytes("marker"), 1, false);
        Mqtt5Publish first = inbox.receive(5, TimeUnit.SECONDS).orElseThrow();
        assertEquals("/admin/dev1/config", first.getTopic().toString(), "mon's queued message must never reach dev1");
        dev1.disconnect();
        awaitGone("mon");

        Mqtt5BlockingClient mon = v5("mon");
        assertFalse(mon.connectWith().cleanStart(false).simpleAuth().username("mon").applySimpleAuth().send()
                .isSessionPresent(), "the session was ended when dev1 took the id");
    }
}

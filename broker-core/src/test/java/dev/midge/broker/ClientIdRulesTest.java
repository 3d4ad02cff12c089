package dev.midge.broker;

import dev.midge.testing.LogCapture;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import dev.midge.broker.security.ClientIdBinding;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which client ids a CONNECT may use: none with control characters, and, when configured, only
 * ids bound to the username (equal, or "username:..."), or the username itself
 * (use_username_as_clientid).
 */
class ClientIdRulesTest extends BrokerTest {

    private static final String CONNECT_HANDLER = "dev.midge.broker.netty.ConnectHandler";

    /** The CONNACK return code (3.1.1) or reason code (v5) for a hand-made CONNECT. */
    private int connackCode(byte[] connect) throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connect);
            List<RawClient.Packet> got = raw.readUntilClosed();
            assertEquals(2, got.get(0).type(), "CONNACK");
            return got.get(0).body()[1] & 0xFF;
        }
    }

    private static byte[] v5Connect(String clientId) {
        // protocol name, level 5, clean start, keep alive 60, no properties, client id
        return RawClient.packet(0x10, RawClient.concat(RawClient.string("MQTT"), new byte[]{5, 2, 0, 60, 0},
                RawClient.string(clientId)));
    }

    @Test
    void aClientIdWithAControlCharacterIsRejectedAndLoggedEscaped() throws Exception {
        start();
        try (LogCapture log = LogCapture.of(CONNECT_HANDLER)) {
            assertEquals(0x02, connackCode(RawClient.connect("mon\u0000", false)));
            assertEquals(0x85, connackCode(v5Connect("dev1\nNew client connected from 10.0.0.1 as mon")));
            List<String> lines = log.messages().stream().filter(m -> m.contains("control character")).toList();
            assertEquals(2, lines.size(), log.messages().toString());
            assertTrue(lines.get(0).contains("mon\\u0000 from"), lines.get(0));
            assertTrue(lines.get(1).contains("dev1\\nNew client connected"), lines.get(1));
            assertFalse(lines.stream().anyMatch(l -> l.chars().anyMatch(c -> c < 0x20)), "no raw control character");
        }
        assertEquals(0, broker.connectedClients().size());
    }

    @Test
    void equalBindingLetsInOnlyTheClientIdThatIsTheUsername() throws Exception {
        start(b -> b.clientIdBinding(ClientIdBinding.EQUAL));
        v5("dev1").connectWith().simpleAuth().username("dev1").applySimpleAuth().send();

        try (LogCapture log = LogCapture.of(CONNECT_HANDLER)) {
            Mqtt5ConnAckException e = assertThrows(Mqtt5ConnAckException.class, () -> v5("dev2").connectWith()
                    .simpleAuth().username("dev1").applySimpleAuth().send());
            assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, e.getMqttMessage().getReasonCode());
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("dev2 from") && m.contains("(username dev1) refused")
                    && m.contains("midge_clientid_binding equal")), log.messages().toString());
        }
        Mqtt3BlockingClient v3 = v3("dev2");
        Mqtt3ConnAckException e3 = assertThrows(Mqtt3ConnAckException.class,
                () -> v3.connectWith().simpleAuth().username("dev1").applySimpleAuth().send());
        assertEquals(Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED, e3.getMqttMessage().getReturnCode());
        Mqtt5ConnAckException anonymous = assertThrows(Mqtt5ConnAckException.class, () -> v5("dev1").connect());
        assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, anonymous.getMqttMessage().getReasonCode());
    }

    @Test
    void prefixBindingAllowsTenantColonDeviceIds() throws Exception {
        start(b -> b.clientIdBinding(ClientIdBinding.PREFIX));
        v5("tenant1:dev1").connectWith().simpleAuth().username("tenant1").applySimpleAuth().send();
        v5("tenant1").connectWith().simpleAuth().username("tenant1").applySimpleAuth().send();
        for (String stolen : List.of("tenant12:dev1", "tenant1-dev1", "tenant1:", "tenant2:dev1")) {
            Mqtt5ConnAckException e = assertThrows(Mqtt5ConnAckException.class, () -> v5(stolen).connectWith()
                    .simpleAuth().username("tenant1").applySimpleAuth().send(), stolen);
            assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, e.getMqttMessage().getReasonCode(), stolen);
        }
        assertEquals(2, broker.connectedClients().size());
    }

    @Test
    void usernameAsClientIdReplacesTheIdTheClientSent() throws Exception {
        start(b -> { });
        broker.close();
        broker = MidgeBroker.start(BrokerOptions.builder()
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1").withUsernameAsClientId(true)).build());
        Mqtt5BlockingClient c = v5("whatever");
        c.connectWith().simpleAuth().username("dev1").applySimpleAuth().send();
        assertEquals("dev1", broker.connectedClients().get(0).clientId());

        Mqtt5ConnAckException e = assertThrows(Mqtt5ConnAckException.class, () -> v5("anonymous").connect());
        assertEquals(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED, e.getMqttMessage().getReasonCode());

        // The username becomes the id, so the id rules apply to it: no control characters.
        Mqtt5ConnAckException control = assertThrows(Mqtt5ConnAckException.class, () -> v5("fine").connectWith()
                .simpleAuth().username("dev\u00011").applySimpleAuth().send());
        assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, control.getMqttMessage().getReasonCode());
    }
}

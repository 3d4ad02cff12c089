package dev.midge.conf;

import dev.midge.conf.BridgeConfig.Address;
import dev.midge.conf.BridgeTopic.Direction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bridge section of mosquitto.conf(5), read with mosquitto 2.0's defaults and prefix rules. */
class BridgeOptionsTest {

    private static final Path CONF = Path.of("bridge.conf");

    private static BridgeConfig bridge(String block) {
        ParsedConf parsed = MosquittoConf.parse("listener 1883\nconnection mybridge\n" + block, CONF);
        assertEquals(List.of(), parsed.warnings());
        return parsed.config().bridges().get(0);
    }

    private static ConfigException error(String block) {
        return assertThrows(ConfigException.class,
                () -> MosquittoConf.parse("listener 1883\nconnection mybridge\n" + block, CONF));
    }

    @Test
    void theReferenceTlsBridgeHasMosquittosDefaults() {
        BridgeConfig b = bridge("""
                address remotebroker:8883
                bridge_cafile /etc/mosquitto/ca.crt
                bridge_certfile /etc/mosquitto/bridge.crt
                bridge_keyfile /etc/mosquitto/bridge.key
                topic # both 1
                """);
        assertEquals(List.of(new Address("remotebroker", 8883)), b.addresses());
        assertEquals(new BridgeTopic("#", Direction.BOTH, 1, null, null, "#", "#"), b.topics().get(0));
        assertTrue(b.tls().enabled());
        assertEquals(Path.of("/etc/mosquitto/bridge.crt"), b.tls().certfile());
        assertEquals(60, b.keepalive());
        assertTrue(b.tryPrivate());
        assertTrue(b.notifications());
        assertTrue(b.outgoingRetain());
        assertTrue(b.attemptUnsubscribe());
        assertFalse(b.cleanSession());
        assertFalse(b.localCleanSession());
        assertEquals(BridgeConfig.ProtocolVersion.MQTTV311, b.protocolVersion());
        assertEquals(BridgeConfig.StartType.AUTOMATIC, b.startType());
        assertEquals(5, b.restartTimeout());
        assertEquals(30, b.backoffCap());
        assertTrue(b.remoteClientId().endsWith(".mybridge"), b.remoteClientId());
        assertEquals("local." + b.remoteClientId(), b.localClientId());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // line | pattern | direction | qos | local prefix | remote prefix | local topic | remote topic
            "topic sensors/#                         | sensors/# | OUT  | 0 |        |        | sensors/#        | sensors/#",
            "topic sensors/# in                      | sensors/# | IN   | 0 |        |        | sensors/#        | sensors/#",
            "topic sensors/# both 2                  | sensors/# | BOTH | 2 |        |        | sensors/#        | sensors/#",
            "topic # out 1 site1/ cloud/site1/       | #         | OUT  | 1 | site1/ | cloud/site1/ | site1/#    | cloud/site1/#",
            "topic cmd/+ in 1 \"\" remote/           | cmd/+     | IN   | 1 |        | remote/ | cmd/+           | remote/cmd/+",
            "topic \"\" out 0 local/a remote/b       |           | OUT  | 0 | local/a | remote/b | local/a        | remote/b",
            "topic a/b both 1 # a comment            | a/b       | BOTH | 1 |        |        | a/b              | a/b",
    })
    void topicLinesFollowMosquittosRemapping(String line, String pattern, Direction direction, int qos,
                                             String localPrefix, String remotePrefix, String localTopic,
                                             String remoteTopic) {
        BridgeTopic topic = bridge("address h\n" + line.strip() + "\n").topics().get(0);
        assertEquals(new BridgeTopic(pattern, direction, qos, localPrefix, remotePrefix, localTopic, remoteTopic),
                topic);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "topic a sideways                | 4 | 'sideways' is not a valid bridge topic direction; use out, in or both",
            "topic a out 3                   | 4 | the QoS of topic must be between 0 and 2, not 3",
            "topic \"\" out 0 local/         | 4 | topic \"\" needs both a local and a remote prefix (they are then the topics)",
            "topic a out 0 lo/+/ r/          | 4 | invalid bridge topic local prefix 'lo/+/': a prefix cannot contain wildcards",
            "topic # out 0 \"\" r#           | 4 | invalid bridge topic remote prefix 'r#': a prefix cannot contain wildcards",
            "topic a/#/b                     | 4 | 'a/#/b' is not a valid topic pattern",
            "bridge_protocol_version mqttv6  | 4 | 'mqttv6' is not a valid value for bridge_protocol_version; use mqttv31, mqttv311 or mqttv50",
            "start_type manual               | 4 | 'manual' is not a valid value for start_type; use automatic, lazy or once",
            "restart_timeout 10 5            | 4 | the backoff cap 5 of restart_timeout is lower than its base 10",
            "bridge_tls_version tlsv1.1      | 4 | 'tlsv1.1' is not a valid value for bridge_tls_version; use tlsv1.2 or tlsv1.3 (older versions are refused)",
            "bridge_psk xyz                  | 4 | bridge_psk must be the key in hexadecimal, as mosquitto's, not 'xyz'",
            "address other:1883              | 4 | duplicate address: already set at bridge.conf:3 (give several addresses on one line)",
    })
    void aBadValueStopsStartUpAtItsLine(String line, int lineNumber, String reason) {
        ConfigException e = error("address h:1883\n" + line.strip() + "\ntopic #\n");
        assertEquals(CONF + ":" + lineNumber + ": " + reason, e.getMessage());
    }

    @Test
    void severalAddressesWithPortsOrTheDefault() {
        BridgeConfig b = bridge("addresses one.example:8883 two.example [::1]:1884 # failover\nround_robin true\ntopic #\n");
        assertEquals(List.of(new Address("one.example", 8883), new Address("two.example", 1883),
                new Address("::1", 1884)), b.addresses());
        assertTrue(b.roundRobin());
    }

    @Test
    void restartTimeoutWithOneValueIsConstantAndWithTwoBacksOff() {
        assertEquals(0, bridge("address h\ntopic #\nrestart_timeout 7\n").backoffCap());
        BridgeConfig backoff = bridge("address h\ntopic #\nrestart_timeout 2 40\n");
        assertEquals(2, backoff.restartTimeout());
        assertEquals(40, backoff.backoffCap());
    }

    @Test
    void clientIdsNotificationsAndSessionsAsWritten() {
        BridgeConfig b = bridge("""
                address h
                topic #
                remote_clientid site-7
                cleansession true
                local_cleansession false
                notification_topic site/7/bridge
                notifications_local_only true
                keepalive_interval 2
                try_private false
                bridge_outgoing_retain false
                bridge_attempt_unsubscribe false
                remote_username site7
                remote_password s3cret
                bridge_protocol_version mqttv50
                bridge_max_packet_size 10000
                """);
        assertEquals("site-7", b.remoteClientId());
        assertEquals("local.site-7", b.localClientId());
        assertTrue(b.cleanSession());
        assertFalse(b.localCleanSession());
        assertEquals("site/7/bridge", b.notificationTopic());
        assertTrue(b.notificationsLocalOnly());
        assertEquals(5, b.keepalive(), "mosquitto: keepalive interval too low, using 5 seconds");
        assertFalse(b.tryPrivate());
        assertFalse(b.outgoingRetain());
        assertFalse(b.attemptUnsubscribe());
        assertEquals("site7", b.remoteUsername());
        assertEquals("s3cret", b.remotePassword());
        assertEquals(BridgeConfig.ProtocolVersion.MQTTV50, b.protocolVersion());
        assertEquals(10000, b.maxPacketSize());
        assertNull(b.notificationTopic() == null ? null : b.tls().cafile());
    }

    @Test
    void pskBridge() {
        BridgeConfig b = bridge("address h:8884\ntopic #\nbridge_identity site7\nbridge_psk 00112233445566778899aabbccddeeff\n");
        assertTrue(b.tls().enabled());
        assertTrue(b.tls().isPsk());
        assertEquals("site7", b.tls().pskIdentity());
    }

    @Test
    void securityThatCannotBeHonouredStopsStartUp() {
        assertEquals(CONF + ":4: bridge 'mybridge' has TLS options but no bridge_cafile, bridge_capath or bridge_psk, "
                + "so it would connect without TLS", error("address h\nbridge_certfile /c\nbridge_keyfile /k\ntopic #\n").getMessage());
        assertEquals(CONF + ":6: bridge 'mybridge' cannot use both certificates and bridge_psk (as in mosquitto)",
                error("address h\ntopic #\nbridge_cafile /ca\nbridge_psk 0011\nbridge_identity i\n").getMessage());
        assertEquals(CONF + ":5: bridge 'mybridge' needs both bridge_identity and bridge_psk",
                error("address h\ntopic #\nbridge_psk 0011\n").getMessage());
        assertEquals(CONF + ":6: bridge 'mybridge' needs both bridge_certfile and bridge_keyfile",
                error("address h\ntopic #\nbridge_cafile /ca\nbridge_certfile /c\n").getMessage());
        assertTrue(error("address h\ntopic #\nlocal_username site\n").getMessage()
                .startsWith(CONF + ":5: local_username cannot be honoured"));
    }

    @Test
    void aBridgeNeedsAnAddressAndATopicAndAUniqueName() {
        assertEquals(CONF + ":2: bridge 'mybridge' has no address", error("topic #\n").getMessage());
        assertEquals(CONF + ":2: bridge 'mybridge' has no topic line, so it would carry nothing",
                error("address h\n").getMessage());
        assertEquals(CONF + ":5: duplicate bridge name 'mybridge'",
                error("address h\ntopic #\nconnection mybridge\n").getMessage());
        assertEquals(CONF + ":6: bridge local_clientid 'x' is also that of bridge 'mybridge'; give one of them another "
                + "local_clientid", error("address h\ntopic #\nlocal_clientid x\nconnection b2\naddress h\ntopic #\n"
                + "local_clientid x\n").getMessage());
    }
}

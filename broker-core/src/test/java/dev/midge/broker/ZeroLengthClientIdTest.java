package dev.midge.broker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import org.junit.jupiter.api.Test;

import static dev.midge.broker.RawClient.concat;
import static dev.midge.broker.RawClient.packet;
import static dev.midge.broker.RawClient.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mosquitto's allow_zero_length_clientid and auto_id_prefix, per listener. */
class ZeroLengthClientIdTest extends BrokerTest {

    private void startWith(boolean allowZeroLength, String prefix) throws InterruptedException {
        broker = MidgeBroker.start(BrokerOptions.builder().listener(ListenerOptions.plain(0)
                .withBindAddress("127.0.0.1").withZeroLengthClientIds(allowZeroLength, prefix)).build());
    }

    private RawClient.Packet connackFor(byte[] connect) throws Exception {
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(connect);
            RawClient.Packet connack = raw.read();
            assertEquals(2, connack.type());
            return connack;
        }
    }

    private static byte[] connectV5WithEmptyId() {
        return packet(0x10, concat(string("MQTT"), new byte[]{5, 0x02, 0, 60, 0}, string("")));
    }

    @Test
    void v311EmptyClientIdIsRefusedWhenNotAllowed() throws Exception {
        startWith(false, "auto-");
        assertEquals(0x02, connackFor(RawClient.connect("", true)).body()[1], "identifier rejected");
    }

    @Test
    void v5EmptyClientIdIsRefusedWithClientIdentifierNotValidWhenNotAllowed() throws Exception {
        startWith(false, "auto-");
        assertEquals(0x85, connackFor(connectV5WithEmptyId()).body()[1] & 0xFF);
    }

    @Test
    void aClientWithAnIdIsStillAcceptedWhenEmptyIdsAreNotAllowed() throws Exception {
        startWith(false, "auto-");
        assertEquals(0x00, connackFor(RawClient.connect("named", true)).body()[1]);
    }

    @Test
    void emptyClientIdsAreAssignedByDefault() throws Exception {
        start();
        assertEquals(0x00, connackFor(RawClient.connect("", true)).body()[1]);
    }

    @Test
    void assignedClientIdStartsWithTheAutoIdPrefix() throws Exception {
        startWith(true, "plant7-");
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().serverHost("127.0.0.1")
                .serverPort(broker.port()).buildBlocking();
        try {
            Mqtt5ConnAck ack = c.connect();
            String assigned = ack.getAssignedClientIdentifier().orElseThrow().toString();
            assertTrue(assigned.startsWith("plant7-") && assigned.length() > "plant7-".length(), assigned);
        } finally {
            c.disconnect();
        }
    }
}

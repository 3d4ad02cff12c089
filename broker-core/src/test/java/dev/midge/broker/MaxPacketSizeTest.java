package dev.midge.broker;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** mosquitto's max_packet_size: told to v5 clients in CONNACK; a larger packet ends any client's connection. */
class MaxPacketSizeTest extends BrokerTest {

    private static byte[] v5Publish(int payloadBytes) {
        // QoS 0, topic "t", no properties
        return RawClient.packet(0x30, RawClient.concat(RawClient.string("t"), new byte[]{0}, new byte[payloadBytes]));
    }

    @Test
    void v5ClientsAreToldTheMaximumPacketSize() throws Exception {
        start(b -> b.maxPacketSize(1000));
        Mqtt5BlockingClient c = v5("told");
        assertEquals(1000, c.connect().getRestrictions().getMaximumPacketSize());
    }

    @Test
    void aLargerPacketEndsAV5ConnectionWith0x95() throws Exception {
        start(b -> b.maxPacketSize(100));
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.packet(0x10, RawClient.concat(RawClient.string("MQTT"), new byte[]{5, 2, 0, 60, 0},
                    RawClient.string("big5"))));
            assertEquals(2, raw.read().type());
            raw.send(v5Publish(50)); // fits
            raw.send(v5Publish(200));
            List<RawClient.Packet> rest = raw.readUntilClosed();
            assertEquals(14, rest.get(0).type(), "DISCONNECT " + rest);
            assertEquals(0x95, rest.get(0).body()[0] & 0xFF);
        }
    }

    @Test
    void aLargerPacketEndsA311Connection() throws Exception {
        start(b -> b.maxPacketSize(100));
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("big3", true));
            assertEquals(2, raw.read().type());
            raw.send(RawClient.publish("t", 1, 1, new byte[200]));
            assertEquals(List.of(), raw.readUntilClosed(), "closed without PUBACK");
        }
    }
}

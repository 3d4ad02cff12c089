package dev.midge.broker;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * mosquitto's max_inflight_bytes: outgoing QoS 1/2 messages go in flight while fewer payload
 * bytes than the limit are unacknowledged, so one larger than the limit still goes, alone.
 * QoS 0 is never in flight, so a QoS 0 marker published last shows what was held back.
 */
class InflightBytesTest extends BrokerTest {

    private static String topicOf(RawClient.Packet p) {
        int length = ((p.body()[0] & 0xFF) << 8) | (p.body()[1] & 0xFF);
        return new String(p.body(), 2, length, StandardCharsets.UTF_8);
    }

    private RawClient subscriber() throws Exception {
        RawClient raw = new RawClient(broker.port());
        raw.send(RawClient.connect("sub", true));
        assertEquals(2, raw.read().type());
        raw.send(RawClient.subscribe(1, "b/#", 1));
        assertEquals(9, raw.read().type());
        return raw;
    }

    @Test
    void messagesGoInFlightOnlyWhileFewerBytesThanTheLimitAreUnacknowledged() throws Exception {
        start(b -> b.delivery(DeliveryOptions.defaults().withMaxInflightBytes(100)));
        try (RawClient raw = subscriber()) {
            for (String topic : new String[] {"b/1", "b/2", "b/3"}) {
                broker.publish(topic, new byte[60], 1, false);
            }
            broker.publish("b/marker", new byte[1], 0, false);
            RawClient.Packet first = raw.read();
            assertEquals("b/1", topicOf(first)); // 0 bytes in flight
            assertEquals("b/2", topicOf(raw.read())); // 60 < 100
            assertEquals("b/marker", topicOf(raw.read()), "b/3 waits: 120 bytes are in flight");
            raw.send(RawClient.puback(RawClient.packetIdOfPublish(first)));
            assertEquals("b/3", topicOf(raw.read()));
        }
    }

    @Test
    void aMessageLargerThanTheLimitStillGoesAlone() throws Exception {
        start(b -> b.delivery(DeliveryOptions.defaults().withMaxInflightBytes(100)));
        try (RawClient raw = subscriber()) {
            broker.publish("b/big", new byte[300], 1, false);
            broker.publish("b/small", new byte[10], 1, false);
            broker.publish("b/marker", new byte[1], 0, false);
            RawClient.Packet big = raw.read();
            assertEquals("b/big", topicOf(big));
            assertEquals("b/marker", topicOf(raw.read()), "b/small waits for the big one's PUBACK");
            raw.send(RawClient.puback(RawClient.packetIdOfPublish(big)));
            assertEquals("b/small", topicOf(raw.read()));
        }
    }
}

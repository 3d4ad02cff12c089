package dev.midge.cluster;

import dev.midge.broker.cluster.ClusterMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MessageBatchTest {

    private static ClusterMessage message(int i) {
        return new ClusterMessage("fleet/d" + i, ("payload " + i).getBytes(StandardCharsets.UTF_8), i % 3, false,
                null, null, null, null, List.of(Map.entry("seq", Integer.toString(i))), -1, "device-" + i);
    }

    @Test
    void aBatchUnpacksToItsMessagesInOrder() {
        List<byte[]> encoded = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            encoded.add(MessageCodec.encode(message(i)));
        }
        byte[] batch = MessageBatch.encode(encoded);
        // As JGroups hands it over: the batch somewhere inside a larger array.
        byte[] framed = new byte[batch.length + 10];
        System.arraycopy(batch, 0, framed, 7, batch.length);

        List<byte[]> decoded = MessageBatch.decode(framed, 7, batch.length);

        assertEquals(500, decoded.size());
        for (int i = 0; i < 500; i++) {
            ClusterMessage m = MessageCodec.decode(decoded.get(i));
            assertEquals("fleet/d" + i, m.topic());
            assertArrayEquals(("payload " + i).getBytes(StandardCharsets.UTF_8), m.payload());
            assertEquals(i % 3, m.qos());
            assertEquals(List.of(Map.entry("seq", Integer.toString(i))), m.userProperties());
        }
    }

    @Test
    void anEmptyMessageAndAnEmptyBatchSurvive() {
        assertEquals(List.of(), MessageBatch.decode(MessageBatch.encode(List.of()), 0, 1));
        List<byte[]> one = MessageBatch.decode(MessageBatch.encode(List.of(new byte[0])), 0, 5);
        assertEquals(1, one.size());
        assertEquals(0, one.get(0).length);
    }

    @Test
    void aTruncatedBatchOrASingleMessageIsRefused() {
        byte[] batch = MessageBatch.encode(List.of(MessageCodec.encode(message(1)), MessageCodec.encode(message(2))));
        assertThrows(IllegalArgumentException.class, () -> MessageBatch.decode(batch, 0, batch.length - 1));
        byte[] single = MessageCodec.encode(message(1)); // what a node of the previous build sends
        assertThrows(IllegalArgumentException.class, () -> MessageBatch.decode(single, 0, single.length));
    }
}

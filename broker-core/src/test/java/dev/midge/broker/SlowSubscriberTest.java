package dev.midge.broker;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An online subscriber slower than its publishers (here: one that does not read its socket
 * while 4 MiB are published to it) gets QoS 0 messages at the rate its socket takes them, with
 * at most the queue limit waiting, in order; beyond the limit the oldest waiting go first.
 */
class SlowSubscriberTest extends BrokerTest {

    private static final int PAYLOAD = 4096;

    private static byte[] numbered(int n) {
        return ByteBuffer.allocate(PAYLOAD).putInt(n).array();
    }

    /** The numbers of the QoS 0 PUBLISHes the client gets until {@code last} (3.1.1 body: topic, payload). */
    private static List<Integer> receiveUntil(RawClient raw, int last) throws Exception {
        List<Integer> got = new ArrayList<>();
        while (got.isEmpty() || got.get(got.size() - 1) != last) {
            RawClient.Packet p = raw.read();
            assertEquals(3, p.type(), "PUBLISH");
            assertEquals(0, (p.flags() >> 1) & 3, "QoS 0");
            int topicLength = ((p.body()[0] & 0xFF) << 8) | (p.body()[1] & 0xFF);
            got.add(ByteBuffer.wrap(p.body(), 2 + topicLength, 4).getInt());
        }
        return got;
    }

    private static RawClient subscriber(int port) throws Exception {
        RawClient raw = new RawClient(port);
        raw.send(RawClient.connect("slow", true));
        assertEquals(2, raw.read().type());
        raw.send(RawClient.subscribe(1, "load/+", 0));
        assertEquals(9, raw.read().type());
        return raw;
    }

    @Test
    void onlineQos0SubscriberThatStopsReadingStillGetsEveryMessageUpToTheQueueLimitInOrder() throws Exception {
        start(b -> b.maxQueuedMessages(1000));
        try (RawClient raw = subscriber(broker.port())) {
            // 4 MiB while the client reads nothing: far beyond Netty's 64 KiB high-water mark.
            for (int i = 0; i < 1000; i++) {
                broker.publish("load/" + (i % 8), numbered(i), 0, false);
            }
            List<Integer> got = receiveUntil(raw, 999);
            assertEquals(1000, got.size(), "every message arrives once");
            for (int i = 0; i < got.size(); i++) {
                assertEquals(i, got.get(i), "in order");
            }
        }
    }

    @Test
    void beyondTheQueueLimitTheOldestWaitingQos0MessagesAreDroppedAndTheRestArriveInOrder() throws Exception {
        start(b -> b.maxQueuedMessages(50));
        try (RawClient raw = subscriber(broker.port())) {
            int total = 3000; // 12 MiB: more than the socket buffers and the 50 that may wait
            for (int i = 0; i < total; i++) {
                broker.publish("load/x", numbered(i), 0, false);
            }
            List<Integer> got = receiveUntil(raw, total - 1);
            assertTrue(got.size() < total, "some were dropped: " + got.size());
            for (int i = 1; i < got.size(); i++) {
                assertTrue(got.get(i) > got.get(i - 1), "in order: " + got.get(i - 1) + " then " + got.get(i));
            }
            // The newest waited in the queue and were not dropped.
            int from = got.indexOf(total - 50);
            assertTrue(from >= 0, "the last 50 arrive");
            assertEquals(got.size() - 50, from);
        }
    }
}

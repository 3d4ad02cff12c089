package dev.midge.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeQueueTest {

    /** High water: 10 messages or 1,000 bytes; low water: 5 or 500; QoS 0 hard cap: 20 or 2,000. */
    private final NodeQueue<Integer> queue = new NodeQueue<>(new NodeQueue.Bound(10, 1_000));

    @Test
    void publishersArePausedAboveTheHighWaterMarkAndResumedAtTheLowWaterMark() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertEquals(NodeQueue.Offer.QUEUED, queue.offer(i, 10, false));
        }
        assertFalse(queue.pauseWhileOverHigh(() -> { }), "at the mark, not above it");
        assertEquals(NodeQueue.Offer.OVER_HIGH, queue.offer(10, 10, false));
        AtomicInteger resumed = new AtomicInteger();
        assertTrue(queue.pauseWhileOverHigh(resumed::incrementAndGet));
        assertTrue(queue.pauseWhileOverHigh(resumed::incrementAndGet));

        assertEquals(List.of(0, 1, 2, 3, 4), queue.take(50)); // 6 left: still above the low-water mark
        assertEquals(0, resumed.get());
        assertEquals(NodeQueue.Offer.OVER_HIGH, queue.offer(11, 10, false), "over until drained to low water");
        assertEquals(List.of(5, 6), queue.take(20)); // 5 left
        assertEquals(2, resumed.get(), "both paused publishers resume, once");
        assertFalse(queue.pauseWhileOverHigh(resumed::incrementAndGet));
        assertEquals(NodeQueue.Offer.QUEUED, queue.offer(12, 10, false));
        assertEquals(List.of(7, 8, 9, 10, 11, 12), queue.take(1_000));
        assertEquals(2, resumed.get());
    }

    @Test
    void bytesCountAsMuchAsMessages() throws Exception {
        assertEquals(NodeQueue.Offer.QUEUED, queue.offer(0, 600, false));
        assertEquals(NodeQueue.Offer.OVER_HIGH, queue.offer(1, 600, false));
        AtomicInteger resumed = new AtomicInteger();
        assertTrue(queue.pauseWhileOverHigh(resumed::incrementAndGet));
        assertEquals(List.of(0), queue.take(700));
        assertEquals(0, resumed.get(), "600 bytes left: above the 500 of the low-water mark");
        assertEquals(List.of(1), queue.take(700));
        assertEquals(1, resumed.get());
        assertEquals(1_200, queue.peakBytes());
    }

    @Test
    void qos0IsDroppedOnlyAboveTheHardCapAndQos1Never() throws Exception {
        for (int i = 0; i < 20; i++) {
            queue.offer(i, 10, true);
        }
        assertEquals(NodeQueue.Offer.DROPPED, queue.offer(20, 10, true));
        assertEquals(NodeQueue.Offer.OVER_HIGH, queue.offer(21, 10, false), "QoS 1/2 are queued whatever the depth");
        assertEquals(1, queue.dropped());
        assertEquals(21, queue.messages());
        assertEquals(21, queue.peakMessages());
        List<Integer> all = new ArrayList<>();
        while (queue.messages() > 0) {
            all.addAll(queue.take(1_000));
        }
        assertEquals(21, all.size());
        assertEquals(21, all.get(20));
    }

    @Test
    void aBatchIsBoundedInBytesButTakesAtLeastOneMessage() throws Exception {
        queue.offer(0, 300, false);
        queue.offer(1, 300, false);
        queue.offer(2, 300, false);
        assertEquals(List.of(0, 1), queue.take(600));
        assertEquals(List.of(2), queue.take(100), "bigger than a batch: sent alone");
    }

    @Test
    void closingResumesThePausedAndHandsBackWhatWasQueued() throws Exception {
        for (int i = 0; i < 11; i++) {
            queue.offer(i, 10, false);
        }
        AtomicInteger resumed = new AtomicInteger();
        assertTrue(queue.pauseWhileOverHigh(resumed::incrementAndGet));
        assertEquals(11, queue.close().size());
        assertEquals(1, resumed.get());
        assertEquals(NodeQueue.Offer.DROPPED, queue.offer(99, 10, false), "a node gone takes nothing more");
        assertEquals(List.of(), queue.take(1_000), "the sender stops");
    }
}

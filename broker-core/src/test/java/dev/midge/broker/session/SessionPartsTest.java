package dev.midge.broker.session;

import dev.midge.broker.message.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parts a {@link Session} coordinates, each on its own: queues, their bounds, inbound QoS 2 ids, the ledger. */
class SessionPartsTest {

    /** What a journal was told, in order. */
    private static final class Calls implements SessionJournal {
        final List<String> calls = new ArrayList<>();

        @Override
        public void owed(String clientId, long sequence, int packetId, boolean released, Delivery d) {
            calls.add("owed " + sequence + " " + packetId + " " + new String(d.message().payload()));
        }

        @Override
        public void settled(String clientId, long sequence) {
            calls.add("settled " + sequence);
        }

        @Override
        public void qos2Received(String clientId, int packetId) {
            calls.add("received " + packetId);
        }

        @Override
        public void qos2Released(String clientId, int packetId) {
            calls.add("released " + packetId);
        }
    }

    private static Delivery delivery(int qos, String payload) {
        return new Delivery(Message.of("t", payload.getBytes(), qos, false), qos, false, List.of());
    }

    private static Ledger journaled(Calls calls) {
        Ledger ledger = new Ledger("c");
        ledger.journal(calls);
        return ledger;
    }

    @Test
    void offlineQueueOverItsMessageBoundSettlesTheOldestAndKeepsOrder() {
        Calls calls = new Calls();
        OfflineQueue queue = new OfflineQueue(journaled(calls), new QueueOverflow("c", 2, 0));
        queue.add(delivery(1, "a"));
        queue.add(delivery(1, "b"));
        queue.add(delivery(1, "c"));

        assertEquals(List.of("owed 1 0 a", "owed 2 0 b", "settled 1", "owed 3 0 c"), calls.calls);
        assertEquals("b", new String(queue.poll().delivery().message().payload()));
        assertEquals(3, queue.poll().sequence());
        assertTrue(queue.isEmpty());
    }

    @Test
    void offlineQueueByteBoundCountsWhatWasTakenOut() {
        OfflineQueue queue = new OfflineQueue(new Ledger("c"), new QueueOverflow("c", 0, 10));
        queue.add(delivery(1, "12345"));
        queue.add(delivery(1, "67890"));
        queue.poll();
        queue.add(delivery(1, "abcde")); // fits again: the polled message's bytes were given back
        assertEquals(2, queue.size());
        queue.add(delivery(1, "fghij"));
        assertEquals(2, queue.size());
        assertEquals("abcde", new String(queue.poll().delivery().message().payload()));
    }

    @Test
    void aTakeoversTailIsQueuedBeforeWhatTheNewNodeQueuedSince() {
        OfflineQueue queue = new OfflineQueue(new Ledger("c"), new QueueOverflow("c", 0, 0));
        queue.restore(3, delivery(1, "handed over"));
        queue.restore(10_000, delivery(1, "new node"));
        queue.restore(10_001, delivery(1, "new node 2"));
        queue.restore(4, delivery(1, "tail"));

        assertEquals(List.of(3L, 4L, 10_000L, 10_001L),
                List.of(queue.poll().sequence(), queue.poll().sequence(), queue.poll().sequence(), queue.poll().sequence()));
    }

    @Test
    void aQueueOfAnUnjournaledSessionIsNumberedWhenJournalingStarts() {
        Ledger ledger = new Ledger("c");
        OfflineQueue queue = new OfflineQueue(ledger, new QueueOverflow("c", 0, 0));
        queue.add(delivery(1, "a"));
        queue.add(delivery(1, "b"));
        Calls calls = new Calls();
        ledger.journal(calls);
        queue.recordAll();

        assertEquals(List.of("owed 1 0 a", "owed 2 0 b"), calls.calls);
        assertEquals(1, queue.poll().sequence());
        assertEquals(2, queue.poll().sequence());
    }

    @Test
    void qos0QueueDropsTheOldestOverItsBytesAndEmptiesOnClear() {
        Qos0Queue queue = new Qos0Queue(new QueueOverflow("c", 0, 6));
        queue.add(delivery(0, "abc"));
        queue.add(delivery(0, "def"));
        queue.add(delivery(0, "ghi"));
        assertEquals(2, queue.size());
        assertEquals("def", new String(queue.poll().message().payload()));
        queue.clear();
        assertTrue(queue.isEmpty());
        queue.add(delivery(0, "123456")); // the cleared bytes no longer count
        queue.add(delivery(0, ""));
        assertEquals(2, queue.size());
    }

    @Test
    void inboundQos2RoutesAnIdOnceUntilPubrelAndJournalsBoth() {
        Calls calls = new Calls();
        InboundQos2 ids = new InboundQos2(journaled(calls));
        assertTrue(ids.receive(7));
        assertFalse(ids.receive(7), "a resend before PUBREL is a duplicate");
        assertTrue(ids.release(7));
        assertFalse(ids.release(7));
        assertTrue(ids.receive(7), "after PUBREL the id is free for a new message");
        assertEquals(List.of("received 7", "released 7", "received 7"), calls.calls);
    }

    @Test
    void inboundQos2ReceiveMaximumAlwaysAdmitsAResend() {
        InboundQos2 ids = new InboundQos2(new Ledger("c"));
        ids.receive(1);
        ids.receive(2);
        assertFalse(ids.allowed(2, 3));
        assertTrue(ids.allowed(2, 2));
        ids.restore(3);
        assertEquals(3, ids.size());
    }

    @Test
    void ledgerNumbersOnlyWhileJournaledAndContinuesAfterRestoredSequences() {
        Ledger ledger = new Ledger("c");
        assertEquals(0, ledger.nextSequence());
        ledger.restored(41);
        ledger.journal(new Calls());
        assertEquals(42, ledger.nextSequence());
        assertEquals(43, ledger.nextSequence());
        ledger.journal(null);
        assertEquals(0, ledger.nextSequence());
    }

    @Test
    void settlingAnUnjournaledMessageTellsNobody() {
        Calls calls = new Calls();
        Ledger ledger = journaled(calls);
        ledger.settled(0);
        ledger.owed(0, 5, false, delivery(1, "x"));
        assertEquals(List.of(), calls.calls);
    }
}

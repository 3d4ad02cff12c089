package dev.midge.broker.session;

import java.util.ArrayDeque;

/**
 * QoS 1/2 messages waiting for the in-flight window or for the client to come back, oldest
 * first, each with its journal sequence; over its bounds the oldest is dropped and settled.
 * Not thread-safe: guarded by its {@link Session}'s lock.
 */
final class OfflineQueue {

    /** A queued message and its journal sequence number (0 when the session is not persistent). */
    record Queued(long sequence, Delivery delivery) {
    }

    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final Ledger ledger;
    private final QueueOverflow overflow;
    private long bytes;

    OfflineQueue(Ledger ledger, QueueOverflow overflow) {
        this.ledger = ledger;
        this.overflow = overflow;
    }

    void add(Delivery d) {
        int length = d.message().payload().length;
        while (overflow.mustDrop(queue.size(), bytes, length)) {
            Queued dropped = poll();
            ledger.settled(dropped.sequence());
            overflow.dropped();
        }
        Queued q = new Queued(ledger.nextSequence(), d);
        queue.addLast(q);
        bytes += length;
        ledger.owed(q.sequence(), 0, false, d);
    }

    /**
     * Puts back, in sequence order, a message queued before a restart, or one another node
     * queued while this node took the session over: that one goes before what this node queued since.
     */
    void restore(long sequence, Delivery d) {
        Queued q = new Queued(sequence, d);
        if (queue.isEmpty() || queue.peekLast().sequence() <= sequence) {
            queue.addLast(q);
        } else {
            ArrayDeque<Queued> later = new ArrayDeque<>();
            while (!queue.isEmpty() && queue.peekLast().sequence() > sequence) {
                later.addFirst(queue.removeLast());
            }
            queue.addLast(q);
            queue.addAll(later);
        }
        bytes += d.message().payload().length;
    }

    Queued poll() {
        Queued q = queue.removeFirst();
        bytes -= q.delivery().message().payload().length;
        return q;
    }

    /** Numbers and records the messages queued before journaling started. */
    void recordAll() {
        for (int i = queue.size(); i > 0; i--) {
            Queued q = queue.removeFirst();
            if (q.sequence() == 0) {
                q = new Queued(ledger.nextSequence(), q.delivery());
                ledger.owed(q.sequence(), 0, false, q.delivery());
            }
            queue.addLast(q);
        }
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    long bytes() {
        return bytes;
    }
}

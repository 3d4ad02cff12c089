package dev.midge.broker.session;

import java.util.ArrayDeque;

/**
 * QoS 0 messages for a connected client whose connection cannot take more right now, sent in
 * order as it drains; over its bounds the oldest is dropped. Never journaled and emptied on
 * detach (mosquitto's queue_qos0_messages false). Not thread-safe: guarded by its
 * {@link Session}'s lock.
 */
final class Qos0Queue {

    private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
    private final QueueOverflow overflow;
    private long bytes;

    Qos0Queue(QueueOverflow overflow) {
        this.overflow = overflow;
    }

    void add(Delivery d) {
        int length = d.message().payload().length;
        while (overflow.mustDrop(queue.size(), bytes, length)) {
            poll();
            overflow.dropped();
        }
        queue.addLast(d);
        bytes += length;
    }

    Delivery poll() {
        Delivery d = queue.removeFirst();
        bytes -= d.message().payload().length;
        return d;
    }

    void clear() {
        queue.clear();
        bytes = 0;
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

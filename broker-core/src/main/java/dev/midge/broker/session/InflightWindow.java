package dev.midge.broker.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Outbound QoS 1 and 2 messages sent but not yet completed, keyed by packet identifier, in
 * send order (so that redelivery on reconnect keeps the original order). Not thread-safe:
 * owned by its {@link Session}.
 */
final class InflightWindow {

    /** One unacknowledged message; released once the client sent PUBREC (QoS 2). */
    static final class Entry {
        final int packetId;
        final Delivery delivery;
        boolean released;
        /** The session's journal sequence number, or 0 when the session is not persistent. */
        long sequence;

        Entry(int packetId, Delivery delivery, long sequence) {
            this.packetId = packetId;
            this.delivery = delivery;
            this.sequence = sequence;
        }
    }

    private final Map<Integer, Entry> entries = new LinkedHashMap<>();
    private int capacity;
    private int lastId;
    /** mosquitto's max_inflight_bytes (0 = none) and the payload bytes in flight now. */
    private final long maxBytes;
    private long bytes;

    InflightWindow(int capacity) {
        this(capacity, 0);
    }

    InflightWindow(int capacity, long maxBytes) {
        this.capacity = Math.max(1, capacity);
        this.maxBytes = maxBytes;
    }

    void capacity(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /** Full by count, or by bytes: as in mosquitto, a message goes while fewer bytes than the limit are in flight, so one larger than it still goes, alone. */
    boolean isFull() {
        return entries.size() >= capacity || (maxBytes > 0 && bytes >= maxBytes);
    }

    int size() {
        return entries.size();
    }

    /** Adds a message under a fresh packet identifier (1..65535, skipping those in use). */
    Entry add(Delivery delivery) {
        return add(delivery, 0);
    }

    Entry add(Delivery delivery, long sequence) {
        int id = lastId;
        do {
            id = id == 65535 ? 1 : id + 1;
        } while (entries.containsKey(id));
        lastId = id;
        Entry entry = new Entry(id, delivery, sequence);
        entries.put(id, entry);
        bytes += delivery.message().payload().length;
        return entry;
    }

    /** Puts back a message that was in flight under {@code packetId} before a restart. */
    void restore(int packetId, Delivery delivery, long sequence, boolean released) {
        Entry entry = new Entry(packetId, delivery, sequence);
        entry.released = released;
        entries.put(packetId, entry);
        bytes += delivery.message().payload().length;
        lastId = packetId;
    }

    Entry get(int packetId) {
        return entries.get(packetId);
    }

    Entry remove(int packetId) {
        Entry e = entries.remove(packetId);
        if (e != null) {
            bytes -= e.delivery.message().payload().length;
        }
        return e;
    }

    List<Entry> inOrder() {
        return new ArrayList<>(entries.values());
    }

    /** Payload bytes in flight ({@code memory_limit}). */
    long bytes() {
        return bytes;
    }
}

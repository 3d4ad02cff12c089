package dev.midge.broker.session;

import java.util.ArrayList;
import java.util.List;

/**
 * Outbound QoS 1 and 2 messages sent but not yet completed, keyed by packet identifier, in
 * send order (so that redelivery on reconnect keeps the original order). Not thread-safe:
 * owned by its {@link Session}.
 *
 * <p>A table of its own rather than a {@code LinkedHashMap<Integer, Entry>}: every QoS 1
 * message was a map node and three or four boxed ids on the way in and out. The entries are
 * found by packet id in an open-addressing table (ids are handed out in sequence, so they
 * rarely collide) and kept in send order by links of their own; the table is made with the
 * first message, so an idle session holds none.
 */
final class InflightWindow {

    /** One unacknowledged message; released once the client sent PUBREC (QoS 2). */
    static final class Entry {
        final int packetId;
        final Delivery delivery;
        boolean released;
        /** The session's journal sequence number, or 0 when the session is not persistent. */
        long sequence;
        /** Send order: the entry sent before and after this one. */
        private Entry previous;
        private Entry next;

        Entry(int packetId, Delivery delivery, long sequence) {
            this.packetId = packetId;
            this.delivery = delivery;
            this.sequence = sequence;
        }
    }

    /** By packet id, linear probing, at most half full; null while nothing was ever in flight. */
    private Entry[] table;
    private int size;
    private Entry first;
    private Entry last;
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
        return size >= capacity || (maxBytes > 0 && bytes >= maxBytes);
    }

    int size() {
        return size;
    }

    /** Adds a message under a fresh packet identifier (1..65535, skipping those in use). */
    Entry add(Delivery delivery) {
        return add(delivery, 0);
    }

    Entry add(Delivery delivery, long sequence) {
        int id = lastId;
        do {
            id = id == 65535 ? 1 : id + 1;
        } while (get(id) != null);
        lastId = id;
        Entry entry = new Entry(id, delivery, sequence);
        put(entry);
        bytes += delivery.message().payload().length;
        return entry;
    }

    /** Puts back a message that was in flight under {@code packetId} before a restart. */
    void restore(int packetId, Delivery delivery, long sequence, boolean released) {
        Entry entry = new Entry(packetId, delivery, sequence);
        entry.released = released;
        put(entry);
        bytes += delivery.message().payload().length;
        lastId = packetId;
    }

    Entry get(int packetId) {
        if (table == null) {
            return null;
        }
        int mask = table.length - 1;
        for (int i = packetId & mask; ; i = (i + 1) & mask) {
            Entry e = table[i];
            if (e == null || e.packetId == packetId) {
                return e;
            }
        }
    }

    Entry remove(int packetId) {
        if (table == null) {
            return null;
        }
        int mask = table.length - 1;
        int i = packetId & mask;
        while (table[i] != null && table[i].packetId != packetId) {
            i = (i + 1) & mask;
        }
        Entry e = table[i];
        if (e == null) {
            return null;
        }
        unlink(e);
        size--;
        bytes -= e.delivery.message().payload().length;
        // Shift back the entries after it that probed past its slot, so every lookup still finds them.
        for (int j = (i + 1) & mask; table[j] != null; j = (j + 1) & mask) {
            int home = table[j].packetId & mask;
            boolean homeBetween = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!homeBetween) {
                table[i] = table[j];
                i = j;
            }
        }
        table[i] = null;
        return e;
    }

    /** In send order. */
    List<Entry> inOrder() {
        List<Entry> list = new ArrayList<>(size);
        for (Entry e = first; e != null; e = e.next) {
            list.add(e);
        }
        return list;
    }

    /** Adds at the end of the send order; one under the same id takes its place (and its place in the order). */
    private void put(Entry entry) {
        if (table == null) {
            table = new Entry[16];
        } else if ((size + 1) * 2 > table.length) {
            Entry[] old = table;
            table = new Entry[old.length * 2];
            for (Entry e : old) {
                if (e != null) {
                    table[slot(e.packetId)] = e;
                }
            }
        }
        int i = slot(entry.packetId);
        Entry replaced = table[i];
        table[i] = entry;
        if (replaced == null) {
            size++;
            entry.previous = last;
            if (last == null) {
                first = entry;
            } else {
                last.next = entry;
            }
            last = entry;
        } else {
            entry.previous = replaced.previous;
            entry.next = replaced.next;
            if (entry.previous == null) {
                first = entry;
            } else {
                entry.previous.next = entry;
            }
            if (entry.next == null) {
                last = entry;
            } else {
                entry.next.previous = entry;
            }
        }
    }

    /** The slot of this id: its own, or the free one its probe reaches. */
    private int slot(int packetId) {
        int mask = table.length - 1;
        int i = packetId & mask;
        while (table[i] != null && table[i].packetId != packetId) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void unlink(Entry e) {
        if (e.previous == null) {
            first = e.next;
        } else {
            e.previous.next = e.next;
        }
        if (e.next == null) {
            last = e.previous;
        } else {
            e.next.previous = e.previous;
        }
        e.previous = null;
        e.next = null;
    }

    /** Payload bytes in flight ({@code memory_limit}). */
    long bytes() {
        return bytes;
    }
}

package dev.midge.broker.session;

import java.util.HashSet;
import java.util.Set;

/**
 * Packet identifiers of inbound QoS 2 messages routed and awaiting PUBREL (exactly once on
 * receipt, MQTT §4.3.3): a PUBLISH resent under one of them is acknowledged but not routed
 * again. Not thread-safe: guarded by its {@link Session}'s lock.
 */
final class InboundQos2 {

    private final Set<Integer> packetIds = new HashSet<>();
    private final Ledger ledger;

    InboundQos2(Ledger ledger) {
        this.ledger = ledger;
    }

    /** Records a packet id; false if it is a duplicate to acknowledge but not route. */
    boolean receive(int packetId) {
        boolean first = packetIds.add(packetId);
        if (first) {
            ledger.qos2Received(packetId);
        }
        return first;
    }

    /** Whether another one fits Receive Maximum; a retransmission of one already held always does. */
    boolean allowed(int receiveMaximum, int packetId) {
        return packetIds.contains(packetId) || packetIds.size() < receiveMaximum;
    }

    /** PUBREL: forgets the packet id; returns whether it was known. */
    boolean release(int packetId) {
        boolean known = packetIds.remove(packetId);
        if (known) {
            ledger.qos2Released(packetId);
        }
        return known;
    }

    /** Puts back an id that was awaiting PUBREL before a restart (already in the journal). */
    void restore(int packetId) {
        packetIds.add(packetId);
    }

    /** Records every id held, when journaling starts. */
    void recordAll() {
        for (int packetId : packetIds) {
            ledger.qos2Received(packetId);
        }
    }

    int size() {
        return packetIds.size();
    }
}

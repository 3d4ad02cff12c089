package dev.midge.broker.session;

/**
 * What a persistent session owes its client, as written to its {@link SessionJournal}: hands
 * out the sequence numbers that order owed messages on restore and records owing and settling.
 * A no-op while the session is not journaled (sequence 0). Not thread-safe: guarded by its
 * {@link Session}'s lock, so journal calls keep the order the session decided.
 */
final class Ledger {

    private final String clientId;
    private SessionJournal journal;
    private long nextSequence = 1;

    Ledger(String clientId) {
        this.clientId = clientId;
    }

    SessionJournal journal() {
        return journal;
    }

    /** Starts (or, with null, stops) recording. */
    void journal(SessionJournal j) {
        journal = j;
    }

    /** A sequence number for a newly owed message; 0 while not journaled. */
    long nextSequence() {
        return journal == null ? 0 : nextSequence++;
    }

    /** A restored message's sequence: later ones are numbered after it. */
    void restored(long sequence) {
        nextSequence = Math.max(nextSequence, sequence + 1);
    }

    void owed(long sequence, int packetId, boolean released, Delivery d) {
        if (journal != null && sequence != 0) {
            journal.owed(clientId, sequence, packetId, released, d);
        }
    }

    void settled(long sequence) {
        if (journal != null && sequence != 0) {
            journal.settled(clientId, sequence);
        }
    }

    /** Records the in-flight messages held from before journaling started. */
    void recordInflight(InflightWindow inflight) {
        for (InflightWindow.Entry e : inflight.inOrder()) {
            if (e.sequence == 0) {
                e.sequence = nextSequence();
                owed(e.sequence, e.packetId, e.released, e.delivery);
            }
        }
    }

    void qos2Received(int packetId) {
        if (journal != null) {
            journal.qos2Received(clientId, packetId);
        }
    }

    void qos2Released(int packetId) {
        if (journal != null) {
            journal.qos2Released(clientId, packetId);
        }
    }
}

package dev.midge.cli.soak;

import java.math.BigInteger;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every QoS 1 publish a device attempted, by message id, with what its publisher was told, and
 * every delivery the readers saw. {@link #judge} holds the soak's core rule: each publish ends
 * as exactly one outcome, and an acknowledged one reached every reader.
 */
final class PublishLedger {

    enum Outcome {
        /** Not answered yet. At the end: a publish the broker neither acknowledged nor refused. */
        PENDING,
        /** PUBACK success: the broker promised delivery. */
        ACKNOWLEDGED,
        /** PUBACK with an error reason code (0x87 Not authorized): the broker promised not to deliver. */
        REFUSED,
        /** The connection dropped before the PUBACK (e.g. revoked): QoS 1 allows either fate. */
        CONNECTION_LOST,
        /** The client had lost its connection before it could send: must never arrive. */
        NOT_SENT
    }

    static final class Attempt {
        final long id;
        final String device;
        final BigInteger serial;
        final long sentNanos;
        volatile Outcome outcome = Outcome.PENDING;
        volatile int reasonCode = -1;
        volatile long answeredNanos;
        volatile String failure;

        Attempt(long id, String device, BigInteger serial, long sentNanos) {
            this.id = id;
            this.device = device;
            this.serial = serial;
            this.sentNanos = sentNanos;
        }

        void answer(Outcome outcome, int reasonCode, String failure) {
            this.answeredNanos = System.nanoTime();
            this.reasonCode = reasonCode;
            this.failure = failure;
            this.outcome = outcome;
        }

        @Override
        public String toString() {
            return "message " + id + " from " + device + " (certificate " + serial.toString(16) + "): " + outcome
                    + (reasonCode >= 0 ? " reason 0x" + Integer.toHexString(reasonCode) : "")
                    + (failure != null ? " (" + failure + ")" : "");
        }
    }

    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, Attempt> attempts = new ConcurrentHashMap<>();
    private final String[] readers;
    private final Map<Long, AtomicInteger>[] deliveries;
    private final Map<String, AtomicLong> unknownIds = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    PublishLedger(String... readers) {
        this.readers = readers.clone();
        this.deliveries = new Map[readers.length];
        for (int i = 0; i < readers.length; i++) {
            deliveries[i] = new ConcurrentHashMap<>();
        }
    }

    Attempt begin(String device, BigInteger serial) {
        long id = nextId.incrementAndGet();
        Attempt attempt = new Attempt(id, device, serial, System.nanoTime());
        attempts.put(id, attempt);
        return attempt;
    }

    /** A reader received a message; the payload is the message id. */
    void delivered(int reader, String payload) {
        try {
            deliveries[reader].computeIfAbsent(Long.parseLong(payload), id -> new AtomicInteger()).incrementAndGet();
        } catch (NumberFormatException e) {
            unknownIds.computeIfAbsent(readers[reader] + " got '" + payload + "'", k -> new AtomicLong()).incrementAndGet();
        }
    }

    long attempted() {
        return attempts.size();
    }

    long pending() {
        return attempts.values().stream().filter(a -> a.outcome == Outcome.PENDING).count();
    }

    /** Acknowledged publishes some reader has not received yet. */
    long acknowledgedUndelivered() {
        return attempts.values().stream()
                .filter(a -> a.outcome == Outcome.ACKNOWLEDGED)
                .filter(a -> !deliveredToAll(a.id))
                .count();
    }

    private boolean deliveredToAll(long id) {
        for (Map<Long, AtomicInteger> reader : deliveries) {
            if (!reader.containsKey(id)) {
                return false;
            }
        }
        return true;
    }

    /** Applies the accounting rules to every attempt and delivery; counts outcomes into {@code outcomes}. */
    void judge(SecurityTimeline timeline, Tally outcomes, Violations violations) {
        for (Attempt a : attempts.values()) {
            int readersReached = 0;
            for (int r = 0; r < readers.length; r++) {
                AtomicInteger count = deliveries[r].get(a.id);
                if (count != null) {
                    readersReached++;
                    if (count.get() > 1) {
                        outcomes.add("duplicate deliveries (allowed by QoS 1)");
                    }
                }
            }
            boolean delivered = readersReached > 0;
            switch (a.outcome) {
                case PENDING -> violations.add("publish never answered (neither PUBACK nor a failure)", a.toString());
                case ACKNOWLEDGED -> {
                    if (readersReached < readers.length) {
                        violations.add("acknowledged (PUBACK success) but not delivered to every reader",
                                a + ", reached " + readersReached + " of " + readers.length + " readers");
                    }
                    if (timeline.revocationInForceBefore(a.serial, a.sentNanos)) {
                        violations.add("publish acknowledged on a certificate revoked before it was sent", a.toString());
                    }
                }
                case REFUSED, NOT_SENT -> {
                    if (delivered) {
                        violations.add("refused or never sent, yet delivered", a.toString());
                    }
                }
                case CONNECTION_LOST -> {
                    if (delivered && readersReached < readers.length) {
                        violations.add("delivered to some readers but not all", a + ", reached " + readersReached);
                    }
                }
            }
            if (a.outcome == Outcome.REFUSED && a.reasonCode != 0x87) {
                violations.add("refused with a reason other than 0x87 Not authorized", a.toString());
            }
            if (a.outcome == Outcome.ACKNOWLEDGED || a.outcome == Outcome.REFUSED) {
                judgeAcl(a, timeline.writeAccess(a.device, a.sentNanos, a.answeredNanos), violations);
            }
            outcomes.add(label(a.outcome, a.reasonCode, delivered));
        }
        for (int r = 0; r < readers.length; r++) {
            for (Long id : deliveries[r].keySet()) {
                if (!attempts.containsKey(id)) {
                    violations.add("delivered a message nobody published", readers[r] + " got id " + id);
                }
            }
        }
        unknownIds.forEach((what, count) -> violations.add("delivered a message nobody published", what + " x " + count));
    }

    private static void judgeAcl(Attempt a, SecurityTimeline.Expectation expected, Violations violations) {
        if (expected == SecurityTimeline.Expectation.ALLOWED && a.outcome == Outcome.REFUSED) {
            violations.add("refused although the ACL had allowed it for longer than the grace period", a.toString());
        } else if (expected == SecurityTimeline.Expectation.DENIED && a.outcome == Outcome.ACKNOWLEDGED) {
            violations.add("acknowledged although the ACL had denied it for longer than the grace period", a.toString());
        }
    }

    private static String label(Outcome outcome, int reasonCode, boolean delivered) {
        return switch (outcome) {
            case ACKNOWLEDGED -> "acknowledged" + (delivered ? ", delivered" : ", NOT delivered");
            case REFUSED -> "refused, PUBACK 0x" + Integer.toHexString(reasonCode) + (delivered ? ", DELIVERED" : "");
            case CONNECTION_LOST -> "connection lost before PUBACK (unknown), " + (delivered ? "delivered" : "not delivered");
            case NOT_SENT -> "not sent (client had lost its connection)" + (delivered ? ", DELIVERED" : "");
            case PENDING -> "never answered";
        };
    }
}

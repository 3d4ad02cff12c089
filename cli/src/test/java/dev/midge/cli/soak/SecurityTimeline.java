package dev.midge.cli.soak;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each device's write permission (the ACL) and certificates (the CRL) changed, so that
 * every publish can be judged afterwards. A change counts as in flight from the moment its file
 * write starts until {@code grace} after it ends: the broker polls, parses and swaps in between,
 * and a publish answered in that window may go either way.
 */
final class SecurityTimeline {

    /** What the broker must have answered a publish, if anything certain. */
    enum Expectation { ALLOWED, DENIED, UNSURE }

    private record Change(long startedNanos, long writtenNanos, boolean allowed) {
    }

    private final long graceNanos;
    private final Map<String, List<Change>> permissions = new ConcurrentHashMap<>();
    private final Map<BigInteger, Change> revocations = new ConcurrentHashMap<>();

    SecurityTimeline(Duration grace) {
        this.graceNanos = grace.toNanos();
    }

    /** The ACL file was rewritten between these two instants, giving or taking the device's write access. */
    void permissionChanged(String device, boolean allowed, long startedNanos, long writtenNanos) {
        List<Change> changes = permissions.computeIfAbsent(device, d -> new ArrayList<>());
        synchronized (changes) {
            changes.add(new Change(startedNanos, writtenNanos, allowed));
        }
    }

    /** A CRL revoking the certificate was written between these two instants. */
    void revoked(BigInteger serial, long startedNanos, long writtenNanos) {
        revocations.put(serial, new Change(startedNanos, writtenNanos, false));
    }

    /** The revocation had begun by then: a refusal is expected. */
    boolean revokedBefore(BigInteger serial, long nanos) {
        Change change = revocations.get(serial);
        return change != null && change.startedNanos() <= nanos;
    }

    /** The revocation had surely been in force by then: nothing the certificate does may succeed. */
    boolean revocationInForceBefore(BigInteger serial, long nanos) {
        Change change = revocations.get(serial);
        return change != null && change.writtenNanos() + graceNanos < nanos;
    }

    /** Devices start with write access to their own topic. */
    Expectation writeAccess(String device, long sentNanos, long answeredNanos) {
        List<Change> changes = permissions.get(device);
        if (changes == null) {
            return Expectation.ALLOWED;
        }
        boolean allowed = true;
        synchronized (changes) {
            for (Change change : changes) {
                boolean overlaps = change.startedNanos() <= answeredNanos
                        && sentNanos <= change.writtenNanos() + graceNanos;
                if (overlaps) {
                    return Expectation.UNSURE;
                }
                if (change.writtenNanos() < sentNanos) {
                    allowed = change.allowed();
                }
            }
        }
        return allowed ? Expectation.ALLOWED : Expectation.DENIED;
    }
}

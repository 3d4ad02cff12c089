package dev.midge.cluster;

import org.infinispan.partitionhandling.AvailabilityException;
import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the caches refused because this node is on the minority side of a partition
 * ({@link AvailabilityException}): expected there, so one line when the first is refused and a
 * count when the node serves again, not a line (or a stack trace) per message or subscription.
 */
final class MinorityWrites {

    private final String node;
    private final AtomicLong refused = new AtomicLong();

    MinorityWrites(String node) {
        this.node = node;
    }

    static boolean isDenied(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AvailabilityException) {
                return true;
            }
        }
        return false;
    }

    /** Whether the cache refuses reads and writes now: asked first, so Infinispan need not log a refused command. */
    static boolean denies(org.infinispan.Cache<?, ?> cache) {
        return cache.getAdvancedCache().getAvailability() != org.infinispan.partitionhandling.AvailabilityMode.AVAILABLE;
    }

    /**
     * Runs {@code write} on {@code cache} unless this side of a partition is denied it: then the
     * write is counted as refused ({@code what} names it in the one line logged) and skipped.
     * Any other failure is thrown to the caller.
     */
    void attempt(org.infinispan.Cache<?, ?> cache, Logger log, java.util.function.Supplier<String> what,
                 Runnable write) {
        try {
            if (denies(cache)) {
                throw new AvailabilityException();
            }
            write.run();
        } catch (RuntimeException e) {
            if (!isDenied(e)) {
                throw e;
            }
            refused(log, what.get());
        }
    }

    /** Counts a refused write, logging the first one since the node last served. */
    void refused(Logger log, String what) {
        if (refused.getAndIncrement() == 0) {
            log.warn("Cluster node {} is on the minority side of a partition: {} stays on this node (its caches deny "
                    + "writes until the cluster heals; further ones are counted, not logged).", node, what);
        }
    }

    /** After the merge: how many writes the split cost, once. */
    void servingAgain(Logger log) {
        long n = refused.getAndSet(0);
        if (n > 0) {
            log.info("Cluster node {} serves again; {} cache write(s) were refused while it was on the minority side.",
                    node, n);
        }
    }
}

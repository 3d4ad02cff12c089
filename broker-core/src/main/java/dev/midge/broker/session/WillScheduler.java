package dev.midge.broker.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Publishes will messages, now or after the v5 Will Delay Interval; a client that reconnects
 * with the same id before the delay is over cancels its pending will (§3.1.3.2.2).
 */
public final class WillScheduler {

    private record Pending(Runnable publish, ScheduledFuture<?> future) {
    }

    private final ScheduledExecutorService timer;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    public WillScheduler(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Runs {@code publish} (which sends the will) now, or after the delay unless cancelled. */
    public void schedule(String clientId, Runnable publish, long delaySeconds) {
        if (delaySeconds <= 0) {
            publish.run();
            return;
        }
        ScheduledFuture<?> future = timer.schedule(() -> publishNow(clientId), delaySeconds, TimeUnit.SECONDS);
        Pending previous = pending.put(clientId, new Pending(publish, future));
        if (previous != null) {
            previous.future().cancel(false);
        }
    }

    /** Cancels the client's pending will; returns whether there was one. */
    public boolean cancel(String clientId) {
        Pending p = pending.remove(clientId);
        if (p == null) {
            return false;
        }
        p.future().cancel(false);
        return true;
    }

    /**
     * Publishes the client's pending will now: when its delay ends, or when its session ends
     * first (the will goes at the earlier of the two, §3.1.2.5).
     */
    public void publishNow(String clientId) {
        Pending p = pending.remove(clientId);
        if (p != null) {
            p.future().cancel(false);
            p.publish().run();
        }
    }

    /** Cancels the client's pending will and returns what would have sent it, or null. */
    public Runnable take(String clientId) {
        Pending p = pending.remove(clientId);
        if (p == null) {
            return null;
        }
        p.future().cancel(false);
        return p.publish();
    }

    public int pendingCount() {
        return pending.size();
    }
}

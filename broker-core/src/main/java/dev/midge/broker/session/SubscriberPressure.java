package dev.midge.broker.session;

import dev.midge.broker.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Flow control for one connected subscriber (MIDGE policy, see the README): once what waits
 * for it passes a high-water mark (half its queue limits) it asks the publishers feeding it to
 * stop being read until it drains below a low-water mark (a quarter), so that QoS 1/2 within
 * {@code max_queued_messages} is slowed at the source instead of dropped. It asks only while it
 * makes progress: a subscriber that is slow but reads slows its publishers to its pace, but one
 * that has taken none of its messages for {@code maxPause} is stuck: it releases its publishers
 * and is treated as mosquitto treats every slow subscriber (its queue fills to the limit, then
 * drops) until it has caught up. So a stuck consumer holds its publishers for at most
 * {@code maxPause}, once per episode. Not thread-safe: guarded by its
 * {@link Session}'s lock; the resume tasks only hand work to the publishers' event loops.
 */
final class SubscriberPressure {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    /** High-water mark when the queue has no message limit: pressure still bounds memory. */
    private static final int UNLIMITED_HIGH_WATER = 1000;

    private final String clientId;
    private final QueueOverflow overflow;
    private final int highMessages;
    private final long highBytes;
    private final long maxPauseNanos;
    private final List<Runnable> waiting = new ArrayList<>();
    /** System.nanoTime() when it started pressing or last took a message since; 0 when it does not press. */
    private long pressingSince;
    /** Messages waiting when last looked at while pressing: fewer now means it made progress. */
    private int lastDepth;
    private boolean stalled;
    /** {@link #pressing()}, readable without the lock by the router after each offer. */
    private volatile boolean pressing;

    SubscriberPressure(String clientId, QueueOverflow overflow, int maxQueuedMessages, long maxQueuedBytes,
                       long maxPauseNanos) {
        this.clientId = clientId;
        this.overflow = overflow;
        this.highMessages = maxQueuedMessages > 0 ? Math.max(1, maxQueuedMessages / 2) : UNLIMITED_HIGH_WATER;
        this.highBytes = maxQueuedBytes > 0 ? Math.max(1, maxQueuedBytes / 2) : Long.MAX_VALUE;
        this.maxPauseNanos = maxPauseNanos;
    }

    /**
     * After a message was queued for the connected client: whether its publisher should stop
     * being read now ({@link #await} then tells it when to read again).
     */
    boolean afterQueued(int messages, long bytes, Permissions owner) {
        if (maxPauseNanos <= 0 || stalled) {
            return false;
        }
        if (messages < highMessages && bytes < highBytes) {
            return pressingSince != 0;
        }
        long now = System.nanoTime(); // only past the high-water mark: not on every message
        lastDepth = messages;
        if (pressingSince == 0) {
            pressingSince = now;
            pressing(true);
            return true;
        }
        if (now - pressingSince > maxPauseNanos) {
            stalled = true;
            pressing(false);
            LOG.warn("Client {} has not read its messages for {} ms: publishers are no longer slowed for it, "
                    + "and its queue drops once full.", owner == null ? LogSafe.text(clientId) : owner.describe(),
                    maxPauseNanos / 1_000_000);
            release();
            return false;
        }
        return true;
    }

    /** Whether the publisher of what it was just offered should wait for it. */
    boolean pressing() {
        return pressing;
    }

    private void pressing(boolean p) {
        pressing = p;
        holdQueue();
    }

    /**
     * Nothing is dropped while a publisher actually waits for this client: what still comes is at
     * most what the waiting publishers had read already. Publishers that cannot wait (the
     * application, wills) meet the usual limits.
     */
    private void holdQueue() {
        overflow.publishersHeld(pressing && !waiting.isEmpty());
    }

    /**
     * One publisher's read is being offered at once ({@code Session#offerAll}): once this client
     * presses, the rest of that read is not dropped, as if its publisher already waited (it is
     * asked to right after the read, {@code DeliveryBatch#offer}). So the queue passes its limit
     * by one read at most, as it does for a publisher paused mid-read.
     */
    void holdWhileBatchOffered() {
        if (pressing) {
            overflow.publishersHeld(true);
        }
    }

    /** The batch is offered: the queue is held again only while a publisher actually waits. */
    void batchOffered() {
        holdQueue();
    }

    /** Runs {@code resume} once this subscriber has drained (at once if it no longer presses). */
    void await(Runnable resume) {
        if (pressing()) {
            waiting.add(resume);
            holdQueue();
        } else {
            resume.run();
        }
    }

    /** After the queues shrank, or the client went away: below the low-water mark it lets go. */
    void afterDrained(int messages, long bytes, boolean connected) {
        if (pressingSince == 0 && !stalled) {
            return;
        }
        if (connected && pressing && messages < lastDepth) {
            pressingSince = System.nanoTime(); // it reads: slow, not stuck
            lastDepth = messages;
        }
        if (!connected || (messages <= highMessages / 2 && bytes <= highBytes / 2)) {
            if (stalled && connected) {
                LOG.info("Client {} caught up with its messages: publishers are slowed for it again when it "
                        + "falls behind.", LogSafe.text(clientId));
            }
            pressingSince = 0;
            stalled = false;
            pressing(false);
            release();
        }
    }

    private void release() {
        for (Runnable r : waiting) {
            r.run();
        }
        waiting.clear();
        holdQueue();
    }
}

package dev.midge.broker.session;

import dev.midge.broker.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounds a session's outbound queues share ({@code maxQueuedMessages}/{@code maxQueuedBytes},
 * 0 = none) and the one log line when they start dropping the oldest: one per episode, not one
 * per message, so a slow subscriber does not flood the log. Not thread-safe: guarded by its
 * {@link Session}'s lock.
 */
final class QueueOverflow {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final String clientId;
    private final int maxMessages;
    private final long maxBytes;
    private boolean logged;
    /**
     * Flow control holds the publishers feeding this client ({@link SubscriberPressure}): nothing
     * is dropped meanwhile. What still arrives is what they had read already, at most one socket
     * read each, so the queue passes its limit by that much at most.
     */
    private boolean publishersHeld;
    /** The broker's count of dropped messages ($SYS/broker/publish/messages/dropped). */
    private final java.util.concurrent.atomic.LongAdder droppedCount;

    QueueOverflow(String clientId, int maxMessages, long maxBytes) {
        this(clientId, maxMessages, maxBytes, new java.util.concurrent.atomic.LongAdder());
    }

    QueueOverflow(String clientId, int maxMessages, long maxBytes, java.util.concurrent.atomic.LongAdder droppedCount) {
        this.droppedCount = droppedCount;
        this.clientId = clientId;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Whether a non-empty queue of {@code size} messages and {@code bytes} must drop its oldest to take {@code incoming} bytes. */
    boolean mustDrop(int size, long bytes, int incoming) {
        return size > 0 && !publishersHeld && ((maxMessages > 0 && size >= maxMessages) || (maxBytes > 0 && bytes + incoming > maxBytes));
    }

    void publishersHeld(boolean held) {
        publishersHeld = held;
    }

    void dropped() {
        droppedCount.increment();
        if (!logged) {
            logged = true;
            LOG.warn("Outgoing messages are being dropped for client {}: its queue is full, the oldest go first.",
                    LogSafe.text(clientId));
        }
    }

    /** The queues are empty again: the next overflow is a new episode worth a line. */
    void drained() {
        logged = false;
    }
}

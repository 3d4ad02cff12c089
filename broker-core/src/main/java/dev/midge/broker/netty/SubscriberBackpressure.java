package dev.midge.broker.netty;

import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.protocol.ClientSession;
import dev.midge.broker.session.Session;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Flow control on the publisher's side: stops reading a publishing connection while a
 * subscriber its messages go to has fallen behind, until that subscriber catches up or
 * {@code maxPause} has passed (the per-publisher pause budget: a subscriber that stays stuck
 * must not hold its publishers, and so everyone else they feed, for longer). The event loop
 * never waits: the socket's receive buffer fills and TCP slows the publisher down. One per
 * connection, event loop only.
 */
final class SubscriberBackpressure {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriberBackpressure.class);

    private final ReadGate gate;
    private final long maxPauseNanos;
    /** Counts pauses, so that a late resume of an earlier one does nothing. */
    private int episode;
    private ScheduledFuture<?> timeout;
    /** Who is paused, for the log line when it is read again. */
    private ClientSession paused;

    SubscriberBackpressure(ReadGate gate, long maxPauseNanos) {
        this.gate = gate;
        this.maxPauseNanos = maxPauseNanos;
    }

    /**
     * After a PUBLISH was routed: pauses reading until one of the subscribers {@code behind} (if
     * any) catches up; the next PUBLISH read then decides again.
     */
    void afterPublish(Channel channel, List<Session> behind, ClientSession publisher) {
        if (behind.isEmpty() || maxPauseNanos <= 0 || gate.isClosedBy(ReadGate.SUBSCRIBER_BEHIND)) {
            return;
        }
        gate.close(ReadGate.SUBSCRIBER_BEHIND);
        paused = publisher;
        int current = ++episode;
        if (LOG.isDebugEnabled()) {
            LOG.debug("Client {} is not read until subscriber {} catches up (flow control).", publisher.describe(),
                    LogSafe.text(String.join(" or ", behind.stream().map(Session::clientId).toList())));
        }
        timeout = channel.eventLoop().schedule(() -> resume(current), maxPauseNanos, TimeUnit.NANOSECONDS);
        // Runs under a subscriber's lock, on any thread: only hands the resume to this loop.
        Runnable resume = () -> {
            try {
                channel.eventLoop().execute(() -> resume(current));
            } catch (RejectedExecutionException shuttingDown) {
                // nothing is read any more
            }
        };
        for (Session s : behind) {
            s.whenCaughtUp(resume);
        }
    }

    private void resume(int which) {
        if (which != episode || !gate.isClosedBy(ReadGate.SUBSCRIBER_BEHIND)) {
            return;
        }
        timeout.cancel(false);
        gate.open(ReadGate.SUBSCRIBER_BEHIND);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Client {} is read again (flow control).", paused.describe());
        }
    }
}

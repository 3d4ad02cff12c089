package dev.midge.cluster;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.fork.ForkChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a QoS 1/2 PUBLISH be acknowledged only once every node it was sent to holds it: each
 * node counts the messages it receives from each other node and, once its copies of persistent
 * sessions include them (the replica writer has passed them), sends the count back on a fork
 * channel of its own. The publishing node keeps each message's count per destination until
 * that count comes back. A destination that leaves the view first (SIGKILL), or a message bound
 * for a node that is gone but not yet forgotten, makes the waiting acknowledgements fail: the
 * publisher is disconnected without them and sends those messages again, so nothing
 * acknowledged is lost.
 */
final class DeliveryConfirmations implements Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryConfirmations.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** One QoS 1/2 message on its way to other nodes. */
    static final class Outstanding {
        final long seq;
        int waitingFor;
        boolean lost;
        boolean allSent;

        Outstanding(long seq) {
            this.seq = seq;
        }
    }

    private record Mark(long count, Outstanding message) {
    }

    private record Waiter(long upTo, long watermarkThen, CompletableFuture<Void> future) {
    }

    private final ForkChannel channel;
    private final Executor afterCopies;
    private final AtomicLong handed = new AtomicLong();
    // Publishing side, guarded by this.
    private final Map<Address, Long> sentCount = new HashMap<>();
    private final Map<Address, Deque<Mark>> marks = new HashMap<>();
    /** The highest count each node confirmed: a confirmation may overtake the bookkeeping of its send. */
    private final Map<Address, Long> confirmedCount = new HashMap<>();
    private final TreeSet<Long> doneAhead = new TreeSet<>();
    private final TreeSet<Long> lost = new TreeSet<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private long watermark;
    // Receiving side.
    private final Map<Address, AtomicLong> receivedCount = new ConcurrentHashMap<>();
    private final Map<Address, Long> lastConfirmed = new ConcurrentHashMap<>();

    /** @param afterCopies runs a task after every session copy write asked for so far (the replica writer) */
    DeliveryConfirmations(ForkChannel channel, Executor afterCopies) {
        this.channel = channel;
        this.afterCopies = afterCopies;
        channel.setReceiver(this);
    }

    void connect(String cluster) throws Exception {
        channel.connect(cluster);
    }

    void close() {
        channel.close();
    }

    /** A message handed to the link, on the engine's thread: null for QoS 0, which nobody waits for. */
    Outstanding track(int qos) {
        return qos == 0 ? null : new Outstanding(handed.incrementAndGet());
    }

    /** Sent to {@code to} (every message counts, so the counts of both sides agree). */
    synchronized void sent(Address to, Outstanding o) {
        long count = sentCount.merge(to, 1L, Long::sum);
        if (o != null && count > confirmedCount.getOrDefault(to, 0L)) {
            o.waitingFor++;
            marks.computeIfAbsent(to, a -> new ArrayDeque<>()).add(new Mark(count, o));
        }
    }

    /** Every send of the message is done; {@code lostNow}: a node it was for is gone already. */
    synchronized void allSent(Outstanding o, boolean lostNow) {
        if (o == null) {
            return;
        }
        o.lost |= lostNow;
        o.allSent = true;
        if (o.waitingFor == 0) {
            finish(o);
        }
    }

    /** Completes once every QoS 1/2 message handed so far is held where it was sent; fails if one was lost. */
    CompletableFuture<Void> delivered() {
        long upTo = handed.get();
        synchronized (this) {
            if (watermark >= upTo) {
                return DONE;
            }
            Waiter w = new Waiter(upTo, watermark, new CompletableFuture<>());
            waiters.add(w);
            return w.future();
        }
    }

    private void finish(Outstanding o) {
        if (o.lost) {
            lost.add(o.seq);
        }
        doneAhead.add(o.seq);
        while (doneAhead.remove(watermark + 1)) {
            watermark++;
        }
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.upTo() <= watermark) {
                it.remove();
                Long first = lost.ceiling(w.watermarkThen() + 1);
                if (first != null && first <= w.upTo()) {
                    w.future().completeExceptionally(new dev.midge.broker.cluster.NotConfirmedException(
                            "a node the message was sent to left the cluster before it confirmed it"));
                } else {
                    w.future().complete(null);
                }
            }
        }
        if (waiters.isEmpty()) {
            lost.clear();
        }
    }

    private synchronized void confirmed(Address from, long count) {
        confirmedCount.merge(from, count, Math::max);
        Deque<Mark> q = marks.get(from);
        while (q != null && !q.isEmpty() && q.peek().count() <= count) {
            Outstanding o = q.poll().message();
            if (--o.waitingFor == 0 && o.allSent) {
                finish(o);
            }
        }
    }

    private synchronized void left(Collection<Address> gone) {
        for (Address a : gone) {
            sentCount.remove(a);
            confirmedCount.remove(a);
            receivedCount.remove(a);
            lastConfirmed.remove(a);
            Deque<Mark> q = marks.remove(a);
            if (q != null && !q.isEmpty()) {
                LOG.warn("Node {} left with {} messages it had not confirmed: their publishers are disconnected "
                        + "without an acknowledgement and send them again.", NodeNames.of(a), q.size());
            }
            while (q != null && !q.isEmpty()) {
                Outstanding o = q.poll().message();
                o.lost = true;
                if (--o.waitingFor == 0 && o.allSent) {
                    finish(o);
                }
            }
        }
    }

    /** Messages from another node were delivered here ({@code n}: a batch's): confirm them once the session copies hold them. */
    void received(Address from, int n) {
        long count = receivedCount.computeIfAbsent(from, a -> new AtomicLong()).addAndGet(n);
        afterCopies.execute(() -> confirm(from, count));
    }

    private void confirm(Address to, long count) {
        Long last = lastConfirmed.get(to);
        if (last != null && last >= count) {
            return; // a later confirmation went already: it covers this one
        }
        lastConfirmed.put(to, count);
        try {
            channel.send(new BytesMessage(to, ByteBuffer.allocate(8).putLong(count).array()));
        } catch (Exception e) {
            LOG.debug("Could not confirm messages to {}: {}", to, e.toString());
        }
    }

    @Override
    public void receive(Message msg) {
        confirmed(msg.getSrc(), ByteBuffer.wrap(msg.getArray(), msg.getOffset(), msg.getLength()).getLong());
    }

    @Override
    public void viewAccepted(View view) {
        List<Address> gone = new ArrayList<>();
        synchronized (this) {
            for (Address a : marks.keySet()) {
                if (!view.containsMember(a)) {
                    gone.add(a);
                }
            }
            for (Address a : sentCount.keySet()) {
                if (!view.containsMember(a) && !gone.contains(a)) {
                    gone.add(a);
                }
            }
        }
        receivedCount.keySet().removeIf(a -> !view.containsMember(a));
        // Counting starts again from 1 if it comes back (a healed partition): a confirmation count kept from
        // before would be taken to cover the new messages, and they would never be confirmed.
        lastConfirmed.keySet().removeIf(a -> !view.containsMember(a));
        left(gone);
    }
}

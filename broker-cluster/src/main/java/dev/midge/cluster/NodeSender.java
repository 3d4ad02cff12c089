package dev.midge.cluster;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.fork.ForkChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Sends the messages for one other node: its own {@link NodeQueue} and its own thread, so a slow
 * or unreachable node (JGroups' flow control blocks a send until it gives credits) holds up
 * only its own queue, never the event loops, the other nodes or the route writes. The thread
 * drains whatever is queued into one batch ({@link MessageBatch}), in queue order: a publisher's
 * messages reach the node in the order it published them.
 */
final class NodeSender {

    private static final Logger LOG = LoggerFactory.getLogger(NodeSender.class);
    /** At most one line per node this often about dropped QoS 0 messages: a flood is not a log flood. */
    private static final long DROP_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** One message on its way, with the bookkeeping of its QoS 1/2 acknowledgement (null for QoS 0). */
    record Outbound(byte[] bytes, Delivery delivery) {
    }

    /** A QoS 1/2 message's sends to all its nodes: the acknowledgement waits until every one is done. */
    static final class Delivery {
        private final DeliveryConfirmations confirmations;
        final DeliveryConfirmations.Outstanding tracked;
        private final AtomicInteger sendsLeft;
        private volatile boolean lost;

        Delivery(DeliveryConfirmations confirmations, DeliveryConfirmations.Outstanding tracked, int sends, boolean lost) {
            this.confirmations = confirmations;
            this.tracked = tracked;
            this.sendsLeft = new AtomicInteger(sends);
            this.lost = lost;
        }

        /** One node's send is done ({@code lostHere}: it could not be sent there). */
        void sendDone(boolean lostHere) {
            if (lostHere) {
                lost = true;
            }
            if (sendsLeft.decrementAndGet() == 0) {
                confirmations.allSent(tracked, lost);
            }
        }
    }

    private final String node;
    private final NodeQueue<Outbound> queue;
    private final ForkChannel channel;
    private final Function<String, Address> addressOf;
    private final DeliveryConfirmations confirmations;
    private final Thread thread;
    private final AtomicLong droppedSinceLine = new AtomicLong();
    private volatile long lastDropLine = System.nanoTime() - DROP_LOG_NANOS;

    NodeSender(String node, NodeQueue.Bound bound, ForkChannel channel, Function<String, Address> addressOf,
               DeliveryConfirmations confirmations) {
        this.node = node;
        this.queue = new NodeQueue<>(bound);
        this.channel = channel;
        this.addressOf = addressOf;
        this.confirmations = confirmations;
        this.thread = new Thread(this::run, "midge-cluster-send-" + node);
        thread.setDaemon(true);
        thread.start();
    }

    NodeQueue<Outbound> queue() {
        return queue;
    }

    /** Queues a message (event loop); returns whether it went over the high-water mark or was dropped. */
    NodeQueue.Offer offer(byte[] bytes, int qos, Delivery delivery) {
        NodeQueue.Offer offer = queue.offer(new Outbound(bytes, delivery), MessageBatch.framed(bytes), qos == 0);
        if (offer == NodeQueue.Offer.DROPPED) {
            if (delivery != null) {
                delivery.sendDone(true); // the node is gone (closed queue): the publisher sends it again
            } else {
                droppedQos0();
            }
        }
        return offer;
    }

    private void droppedQos0() {
        long n = droppedSinceLine.incrementAndGet();
        long now = System.nanoTime();
        long last = lastDropLine;
        if (now - last >= DROP_LOG_NANOS && droppedSinceLine.compareAndSet(n, 0)) {
            lastDropLine = now;
            LOG.warn("Dropped {} QoS 0 message(s) for cluster node {}: its queue is over twice its bound "
                    + "({} messages queued); QoS 1/2 messages are kept.", n, node, queue.messages());
        }
    }

    /** The node left the cluster: what was queued for it is not sent (QoS 1/2: its publishers are not acknowledged). */
    void close() {
        for (Outbound o : queue.close()) {
            if (o.delivery() != null) {
                o.delivery().sendDone(true);
            }
        }
        thread.interrupt();
    }

    private void run() {
        while (true) {
            List<Outbound> batch;
            try {
                batch = queue.take(MessageBatch.MAX_BYTES);
            } catch (InterruptedException e) {
                return;
            }
            if (batch.isEmpty()) {
                return; // closed
            }
            send(batch);
        }
    }

    private void send(List<Outbound> batch) {
        Address to = addressOf.apply(node);
        boolean sent = false;
        if (to != null) {
            List<byte[]> bytes = new ArrayList<>(batch.size());
            batch.forEach(o -> bytes.add(o.bytes()));
            try {
                channel.send(new BytesMessage(to, MessageBatch.encode(bytes)));
                sent = true;
            } catch (Exception e) {
                LOG.warn("Could not send {} message(s) to cluster node {}: {}", batch.size(), node, e.toString());
            }
        }
        for (Outbound o : batch) {
            if (sent) {
                confirmations.sent(to, o.delivery() == null ? null : o.delivery().tracked);
            }
            if (o.delivery() != null) {
                o.delivery().sendDone(!sent);
            }
        }
    }
}

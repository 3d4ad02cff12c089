package dev.midge.broker.session;

import dev.midge.broker.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Delivery to the client (MQTT §4.3, §4.6): what goes out now, in order, to the attached
 * connection and what waits in the {@link InflightWindow}, the {@link OfflineQueue} (QoS 1/2)
 * or the {@link Qos0Queue}, each checked against the owner's {@link Permissions} when it is
 * handed over. Not thread-safe: guarded by its {@link Session}'s lock, under which it hands
 * packets to the connection (see {@link #dispatch}).
 */
final class OutboundFlow {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final String clientId;
    private final int maxInflight;
    private final InflightWindow inflight;
    private final Ledger ledger;
    private final QueueOverflow overflow;
    private final OfflineQueue queue;
    private final Qos0Queue qos0Queue;
    private final SubscriberPressure pressure;
    /** mosquitto's queue_qos0_messages: QoS 0 waits in the (journaled) queue for a disconnected client too. */
    private final boolean queueQos0Messages;

    private DeliverySink connection;
    /** Who owns the session now, and so decides what it receives; null until claimed. */
    private Permissions owner;
    private boolean v5;
    private long maxPacketSize = Long.MAX_VALUE;

    OutboundFlow(String clientId, QueueLimits limits, Ledger ledger, java.util.concurrent.atomic.LongAdder droppedCount) {
        this.clientId = clientId;
        this.maxInflight = Math.max(1, limits.maxInflight());
        this.inflight = new InflightWindow(this.maxInflight, limits.maxInflightBytes());
        this.ledger = ledger;
        this.overflow = new QueueOverflow(clientId, limits.maxQueuedMessages(), limits.maxQueuedBytes(), droppedCount);
        this.queue = new OfflineQueue(ledger, overflow);
        this.qos0Queue = new Qos0Queue(overflow);
        this.pressure = new SubscriberPressure(clientId, overflow, limits.maxQueuedMessages(), limits.maxQueuedBytes(),
                limits.maxPublisherPauseNanos());
        this.queueQos0Messages = limits.queueQos0Messages();
    }

    SubscriberPressure pressure() {
        return pressure;
    }

    Permissions owner() {
        return owner;
    }

    void claim(Permissions who) {
        owner = who;
    }

    DeliverySink connection() {
        return connection;
    }

    /** Records the messages held from before journaling started. */
    void recordAll() {
        ledger.recordInflight(inflight);
        queue.recordAll();
    }

    void restore(long sequence, int packetId, boolean released, Delivery d) {
        if (packetId != 0) {
            inflight.restore(packetId, d, sequence, released);
        } else {
            queue.restore(sequence, d);
        }
    }

    /**
     * Attaches a new connection and returns what must be re-sent: unacknowledged PUBLISHes
     * with DUP set, PUBRELs for messages at the PUBREC stage, then queued messages as the
     * window allows. The caller must have written CONNACK before calling this.
     */
    Dispatch attach(DeliverySink c, Permissions who, boolean isV5, int clientReceiveMaximum, long clientMaxPacketSize) {
        connection = c;
        owner = who;
        v5 = isV5;
        maxPacketSize = clientMaxPacketSize;
        inflight.capacity(Math.min(maxInflight, clientReceiveMaximum));
        List<Outbound> out = new ArrayList<>();
        for (InflightWindow.Entry e : inflight.inOrder()) {
            if (e.released) {
                out.add(new Outbound.PubRel(e.packetId)); // no payload: nothing to withhold
            } else if (mayReceive(e.delivery)) {
                out.add(new Outbound.Publish(e.packetId, e.delivery, true));
            } else {
                inflight.remove(e.packetId);
                ledger.settled(e.sequence);
            }
        }
        drainQueue(out, System.nanoTime());
        return dispatch(c, out);
    }

    /** Detaches the connection if it is still the current one; returns whether it was. */
    boolean detach(DeliverySink c) {
        if (connection != c) {
            return false;
        }
        connection = null;
        // QoS 0 waits only for a connected client (mosquitto's queue_qos0_messages false).
        qos0Queue.clear();
        // An offline client's queue is mosquitto's: it never slows publishers.
        pressure.afterDrained(0, 0, false);
        return true;
    }

    /** Sends the message now if connected and the window allows, else queues it (QoS > 0). */
    Dispatch offer(Delivery d) {
        if (!mayReceive(d)) {
            return Dispatch.NOTHING;
        }
        // No Maximum Packet Size (Long.MAX_VALUE) fits every message: skip measuring each one.
        if (connection != null && maxPacketSize != Long.MAX_VALUE && PublishSize.of(d, v5) > maxPacketSize) {
            LOG.debug("Dropped a message on {} for client {}: larger than its Maximum Packet Size.",
                    LogSafe.text(d.message().topic()), LogSafe.text(clientId));
            return Dispatch.NOTHING;
        }
        if (d.qos() == 0) {
            return offerQos0(d);
        }
        if (connection != null && !inflight.isFull() && queue.isEmpty()) {
            InflightWindow.Entry e = inflight.add(d, ledger.nextSequence());
            ledger.owed(e.sequence, e.packetId, false, d);
            return dispatch(connection, List.of(new Outbound.Publish(e.packetId, d, false)));
        }
        queue.add(d);
        afterQueued();
        return Dispatch.NOTHING;
    }

    /** A message waits for a connected client: past the high-water mark its publishers are slowed. */
    private void afterQueued() {
        if (connection != null) {
            pressure.afterQueued(queue.size() + qos0Queue.size(), queue.bytes() + qos0Queue.bytes(), owner);
        }
    }

    /**
     * QoS 0 is not queued for an offline client unless queue_qos0_messages (mosquitto's default: false). A
     * connected client that cannot take more right now gets it when it can, in order, with
     * at most the queue limits waiting; dropping it at once made a subscriber slower than
     * its publishers lose almost everything.
     */
    private Dispatch offerQos0(Delivery d) {
        if (connection == null) {
            if (queueQos0Messages) {
                queue.add(d); // with the QoS 1/2 messages, in order, within the same limits
            }
            return Dispatch.NOTHING;
        }
        if (qos0Queue.isEmpty() && connection.isWritable()) {
            return dispatch(connection, List.of(new Outbound.Publish(0, d, false)));
        }
        qos0Queue.add(d);
        afterQueued();
        // Writable again already (its writability event may have come and gone): send what fits.
        return connection.isWritable() ? refill() : Dispatch.NOTHING;
    }

    /**
     * Asked where a delivery is handed to the connection (or queued for it): live, queued, in
     * flight, restored and retained messages all pass here, checked against whoever owns the
     * session at that moment ({@link Permissions#mayReceive}).
     */
    private boolean mayReceive(Delivery d) {
        return owner != null && owner.mayReceive(clientId, d.message().topic());
    }

    private void drainQueue(List<Outbound> out, long now) {
        drainQos0(out, now);
        while (connection != null && !inflight.isFull() && !queue.isEmpty()) {
            OfflineQueue.Queued q = queue.poll();
            Delivery d = q.delivery();
            // Queued under an earlier owner or rule set: the one attached now decides.
            if (d.message().isExpired(now) || PublishSize.of(d, v5) > maxPacketSize || !mayReceive(d)) {
                ledger.settled(q.sequence());
                continue;
            }
            if (d.qos() == 0) { // queued while offline (queue_qos0_messages): nothing to acknowledge
                ledger.settled(q.sequence());
                out.add(new Outbound.Publish(0, d, false));
                continue;
            }
            InflightWindow.Entry e = inflight.add(d, q.sequence());
            ledger.owed(e.sequence, e.packetId, false, d);
            out.add(new Outbound.Publish(e.packetId, d, false));
        }
        if (queue.isEmpty() && qos0Queue.isEmpty()) {
            overflow.drained();
        }
        pressure.afterDrained(queue.size() + qos0Queue.size(), queue.bytes() + qos0Queue.bytes(), connection != null);
    }

    /** Sends waiting QoS 0 messages, as many as the connection can take now. */
    private void drainQos0(List<Outbound> out, long now) {
        if (connection == null) {
            return;
        }
        long budget = connection.writableBytes();
        while (budget > 0 && !qos0Queue.isEmpty()) {
            Delivery d = qos0Queue.poll();
            if (!d.message().isExpired(now) && mayReceive(d)) {
                out.add(new Outbound.Publish(0, d, false));
                budget -= PublishSize.of(d, v5);
            }
        }
    }
    /** The connection can take more again: sends what waited for that. */
    Dispatch onWritable() {
        return refill();
    }

    /**
     * The first {@code count} PUBACKs of one read, under one acquisition of the lock: while
     * publishers on other threads keep offering, every acquisition is a wait, and one per
     * PUBACK starved the window's refill.
     */
    Dispatch onPubAcks(int[] packetIds, int count) {
        for (int i = 0; i < count; i++) {
            InflightWindow.Entry e = inflight.get(packetIds[i]);
            if (e != null && e.delivery.qos() == 1) {
                inflight.remove(packetIds[i]);
                ledger.settled(e.sequence);
            }
        }
        return refill();
    }

    /** PUBREC for a QoS 2 message: answer PUBREL (also for an id we no longer know, per spec). */
    Dispatch onPubRec(int packetId, boolean accepted) {
        InflightWindow.Entry e = inflight.get(packetId);
        if (e != null && !accepted) {
            // v5: a PUBREC reason code >= 0x80 ends the flow (§4.3.3).
            inflight.remove(packetId);
            ledger.settled(e.sequence);
            return refill();
        }
        if (e != null && !e.released) {
            e.released = true;
            ledger.owed(e.sequence, e.packetId, true, e.delivery);
        }
        return dispatch(connection, List.of(new Outbound.PubRel(packetId)));
    }

    /** PUBCOMP: the QoS 2 message is complete. */
    Dispatch onPubComp(int packetId) {
        InflightWindow.Entry e = inflight.get(packetId);
        if (e != null && e.released) {
            inflight.remove(packetId);
            ledger.settled(e.sequence);
        }
        return refill();
    }

    /**
     * Hands the packets to the connection while the lock is held, so that they go out in the
     * order decided here even when two threads send; writing starts at {@link Dispatch#send()}.
     */
    private static Dispatch dispatch(DeliverySink c, List<Outbound> out) {
        if (c != null) {
            c.enqueue(out);
        }
        return new Dispatch(c, out);
    }

    private Dispatch refill() {
        List<Outbound> out = new ArrayList<>();
        drainQueue(out, System.nanoTime());
        return out.isEmpty() ? Dispatch.NOTHING : dispatch(connection, out);
    }

    int inflightCount() {
        return inflight.size();
    }

    /** Payload bytes held for this client: in flight, queued and QoS 0 waiting ({@code memory_limit}). */
    long heldBytes() {
        return inflight.bytes() + queue.bytes() + qos0Queue.bytes();
    }

    int queuedCount() {
        return queue.size();
    }

    /** QoS 0 messages waiting for the connected client's connection to take more. */
    int queuedQos0Count() {
        return qos0Queue.size();
    }
}

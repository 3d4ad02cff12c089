package dev.midge.broker.session;

import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.subscription.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state MQTT keeps per client id, across connections for a persistent session:
 * subscriptions, outbound messages in flight, the offline/overflow queue, and inbound QoS 2
 * packet ids awaiting PUBREL. Plain Java, no I/O.
 *
 * <p>Thread model: every method that changes delivery state is synchronized on the session;
 * the packets it decides on are handed to the connection under the lock (memory only, so
 * they keep this order across threads) and methods return a {@link Dispatch} that the caller
 * sends after the lock is released.
 */
public final class Session {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    /** Session Expiry Interval meaning "never" (3.1.1 clean session false, v5 0xFFFFFFFF). */
    public static final long NEVER_EXPIRES = 0xFFFFFFFFL;

    private final String clientId;
    private final int maxInflight;
    private final int maxQueuedMessages;
    private final long maxQueuedBytes;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final InflightWindow inflight;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    /** QoS 0 for the connected client, waiting while its connection cannot take more; never journaled. */
    private final ArrayDeque<Delivery> qos0Queue = new ArrayDeque<>();
    private long qos0Bytes;
    private final Set<Integer> inboundQos2 = new HashSet<>();
    private long queuedBytes;
    private boolean droppingLogged;

    private DeliverySink connection;
    /** Who owns the session now, and so decides what it receives; null until claimed. */
    private Permissions owner;
    private int generation;
    private volatile long expiryInterval;
    private boolean v5;
    private long maxPacketSize = Long.MAX_VALUE;
    private SessionJournal journal;
    private long nextSequence = 1;

    /** A queued message and its journal sequence number (0 when the session is not persistent). */
    private record Queued(long sequence, Delivery delivery) {
    }

    public Session(String clientId, int maxInflight, int maxQueuedMessages, long maxQueuedBytes) {
        this.clientId = clientId;
        this.maxInflight = Math.max(1, maxInflight);
        this.maxQueuedMessages = maxQueuedMessages;
        this.maxQueuedBytes = maxQueuedBytes;
        this.inflight = new InflightWindow(this.maxInflight);
    }

    public String clientId() {
        return clientId;
    }

    public long expiryInterval() {
        return expiryInterval;
    }

    public void expiryInterval(long seconds) {
        this.expiryInterval = seconds;
    }

    public synchronized ClientIdentity identity() {
        return owner == null ? null : owner.identity();
    }

    /** The owner's rights (the authoriser of the listener it last connected through): they decide what it receives. */
    public synchronized Permissions owner() {
        return owner;
    }

    /** Counts attachments, so a timer started at a disconnect can tell if the client came back since. */
    public synchronized int generation() {
        return generation;
    }

    public synchronized boolean isConnected() {
        return connection != null;
    }

    public synchronized DeliverySink connection() {
        return connection;
    }

    // ---- subscriptions (the trie is the index; this is the session's own list) ----

    public void addSubscription(Subscription s) {
        subscriptions.put(s.filter().text(), s);
    }

    public Subscription removeSubscription(String filterText) {
        return subscriptions.remove(filterText);
    }

    public Collection<Subscription> subscriptions() {
        return List.copyOf(subscriptions.values());
    }

    // ---- durability ----

    /**
     * Starts (or, with null, stops) recording what this session owes its client. Messages it
     * already holds are recorded now, so the journal holds all of them from here on.
     */
    public synchronized void journal(SessionJournal j) {
        journal = j;
        if (j == null) {
            return;
        }
        for (InflightWindow.Entry e : inflight.inOrder()) {
            if (e.sequence == 0) {
                e.sequence = nextSequence++;
                j.owed(clientId, e.sequence, e.packetId, e.released, e.delivery);
            }
        }
        ArrayDeque<Queued> recorded = new ArrayDeque<>();
        for (Queued q : queue) {
            if (q.sequence() == 0) {
                q = new Queued(nextSequence++, q.delivery());
                j.owed(clientId, q.sequence(), 0, false, q.delivery());
            }
            recorded.addLast(q);
        }
        queue.clear();
        queue.addAll(recorded);
        for (int packetId : inboundQos2) {
            j.qos2Received(clientId, packetId);
        }
    }

    public synchronized boolean isJournaled() {
        return journal != null;
    }

    /**
     * Puts back, in sequence order, a message the session owed before a restart: in flight
     * under its packet identifier (redelivered with DUP), or queued ({@code packetId} 0).
     */
    public synchronized void restore(long sequence, int packetId, boolean released, Delivery d) {
        if (packetId != 0) {
            inflight.restore(packetId, d, sequence, released);
        } else {
            queue.addLast(new Queued(sequence, d));
            queuedBytes += d.message().payload().length;
        }
        nextSequence = Math.max(nextSequence, sequence + 1);
    }

    /** Puts back the packet identifier of an inbound QoS 2 message that was awaiting PUBREL. */
    public synchronized void restoreInboundQos2(int packetId) {
        inboundQos2.add(packetId);
    }

    /**
     * Who owns the session now: the identity (and its authoriser) every delivery is checked
     * against, also while it is offline. Set by the engine when a client is given the session,
     * before its connection attaches, and by the restorer after a restart.
     */
    public synchronized void claim(Permissions who) {
        owner = who;
    }

    private long nextSequence() {
        return journal == null ? 0 : nextSequence++;
    }

    private void owed(long sequence, int packetId, boolean released, Delivery d) {
        if (journal != null && sequence != 0) {
            journal.owed(clientId, sequence, packetId, released, d);
        }
    }

    private void settled(long sequence) {
        if (journal != null && sequence != 0) {
            journal.settled(clientId, sequence);
        }
    }

    // ---- connection lifecycle ----

    /**
     * Attaches a new connection and returns what must be re-sent: unacknowledged PUBLISHes
     * with DUP set, PUBRELs for messages at the PUBREC stage, then queued messages as the
     * window allows. The caller must have written CONNACK before calling this.
     */
    public synchronized Dispatch attach(DeliverySink c, Permissions who, boolean isV5,
                                        int clientReceiveMaximum, long clientMaxPacketSize) {
        connection = c;
        owner = who;
        generation++;
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
                settled(e.sequence);
            }
        }
        drainQueue(out, System.nanoTime());
        return dispatch(c, out);
    }

    /** Detaches the connection if it is still the current one; returns whether it was. */
    public synchronized boolean detach(DeliverySink c) {
        if (connection != c) {
            return false;
        }
        connection = null;
        // QoS 0 waits only for a connected client (mosquitto's queue_qos0_messages false).
        qos0Queue.clear();
        qos0Bytes = 0;
        return true;
    }

    // ---- outbound flow ----

    /** Sends the message now if connected and the window allows, else queues it (QoS > 0). */
    public synchronized Dispatch offer(Delivery d) {
        if (!mayReceive(d)) {
            return Dispatch.NOTHING;
        }
        if (connection != null && PublishSize.of(d, v5) > maxPacketSize) {
            LOG.debug("Dropped a message on {} for client {}: larger than its Maximum Packet Size.",
                    LogSafe.text(d.message().topic()), LogSafe.text(clientId));
            return Dispatch.NOTHING;
        }
        if (d.qos() == 0) {
            return offerQos0(d);
        }
        if (connection != null && !inflight.isFull() && queue.isEmpty()) {
            InflightWindow.Entry e = inflight.add(d, nextSequence());
            owed(e.sequence, e.packetId, false, d);
            return dispatch(connection, List.of(new Outbound.Publish(e.packetId, d, false)));
        }
        enqueue(d);
        return Dispatch.NOTHING;
    }

    /**
     * QoS 0 is never queued for an offline client (mosquitto's queue_qos0_messages false). A
     * connected client that cannot take more right now gets it when it can, in order, with
     * at most the queue limits waiting; dropping it at once made a subscriber slower than
     * its publishers lose almost everything.
     */
    private Dispatch offerQos0(Delivery d) {
        if (connection == null) {
            return Dispatch.NOTHING;
        }
        if (qos0Queue.isEmpty() && connection.isWritable()) {
            return dispatch(connection, List.of(new Outbound.Publish(0, d, false)));
        }
        while (!qos0Queue.isEmpty() && ((maxQueuedMessages > 0 && qos0Queue.size() >= maxQueuedMessages)
                || (maxQueuedBytes > 0 && qos0Bytes + d.message().payload().length > maxQueuedBytes))) {
            qos0Bytes -= qos0Queue.removeFirst().message().payload().length;
            loggedDropping();
        }
        qos0Queue.addLast(d);
        qos0Bytes += d.message().payload().length;
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

    private void loggedDropping() {
        if (!droppingLogged) {
            droppingLogged = true;
            LOG.warn("Outgoing messages are being dropped for client {}: its queue is full, the oldest go first.",
                    LogSafe.text(clientId));
        }
    }

    private void enqueue(Delivery d) {
        while (!queue.isEmpty() && ((maxQueuedMessages > 0 && queue.size() >= maxQueuedMessages)
                || (maxQueuedBytes > 0 && queuedBytes + d.message().payload().length > maxQueuedBytes))) {
            Queued dropped = queue.removeFirst();
            queuedBytes -= dropped.delivery().message().payload().length;
            settled(dropped.sequence());
            loggedDropping();
        }
        Queued q = new Queued(nextSequence(), d);
        queue.addLast(q);
        queuedBytes += d.message().payload().length;
        owed(q.sequence(), 0, false, d);
    }

    private void drainQueue(List<Outbound> out, long now) {
        drainQos0(out, now);
        while (connection != null && !inflight.isFull() && !queue.isEmpty()) {
            Queued q = queue.removeFirst();
            Delivery d = q.delivery();
            queuedBytes -= d.message().payload().length;
            // Queued under an earlier owner or rule set: the one attached now decides.
            if (d.message().isExpired(now) || PublishSize.of(d, v5) > maxPacketSize || !mayReceive(d)) {
                settled(q.sequence());
                continue;
            }
            InflightWindow.Entry e = inflight.add(d, q.sequence());
            owed(e.sequence, e.packetId, false, d);
            out.add(new Outbound.Publish(e.packetId, d, false));
        }
        if (queue.isEmpty() && qos0Queue.isEmpty()) {
            droppingLogged = false;
        }
    }

    /** Sends waiting QoS 0 messages, as many as the connection can take now. */
    private void drainQos0(List<Outbound> out, long now) {
        if (connection == null || qos0Queue.isEmpty()) {
            return;
        }
        long budget = connection.writableBytes();
        while (budget > 0 && !qos0Queue.isEmpty()) {
            Delivery d = qos0Queue.removeFirst();
            qos0Bytes -= d.message().payload().length;
            if (!d.message().isExpired(now) && mayReceive(d)) {
                out.add(new Outbound.Publish(0, d, false));
                budget -= PublishSize.of(d, v5);
            }
        }
    }

    /** The connection can take more again: sends what waited for that. */
    public synchronized Dispatch onWritable() {
        return refill();
    }

    /** PUBACK for a QoS 1 message: done; the freed slot may send a queued message. */
    public Dispatch onPubAck(int packetId) {
        return onPubAcks(new int[] {packetId}, 1);
    }

    /**
     * The first {@code count} PUBACKs of one read, under one acquisition of the lock: while
     * publishers on other threads keep offering, every acquisition is a wait, and one per
     * PUBACK starved the window's refill.
     */
    public synchronized Dispatch onPubAcks(int[] packetIds, int count) {
        for (int i = 0; i < count; i++) {
            InflightWindow.Entry e = inflight.get(packetIds[i]);
            if (e != null && e.delivery.qos() == 1) {
                inflight.remove(packetIds[i]);
                settled(e.sequence);
            }
        }
        return refill();
    }

    /** PUBREC for a QoS 2 message: answer PUBREL (also for an id we no longer know, per spec). */
    public synchronized Dispatch onPubRec(int packetId, boolean accepted) {
        InflightWindow.Entry e = inflight.get(packetId);
        if (e != null && !accepted) {
            // v5: a PUBREC reason code >= 0x80 ends the flow (§4.3.3).
            inflight.remove(packetId);
            settled(e.sequence);
            return refill();
        }
        if (e != null && !e.released) {
            e.released = true;
            owed(e.sequence, e.packetId, true, e.delivery);
        }
        return dispatch(connection, List.of(new Outbound.PubRel(packetId)));
    }

    /** PUBCOMP: the QoS 2 message is complete. */
    public synchronized Dispatch onPubComp(int packetId) {
        InflightWindow.Entry e = inflight.get(packetId);
        if (e != null && e.released) {
            inflight.remove(packetId);
            settled(e.sequence);
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

    public synchronized int inflightCount() {
        return inflight.size();
    }

    public synchronized int queuedCount() {
        return queue.size();
    }

    /** QoS 0 messages waiting for the connected client's connection to take more. */
    public synchronized int queuedQos0Count() {
        return qos0Queue.size();
    }

    // ---- inbound QoS 2 (exactly once on receipt) ----

    /** Records an inbound QoS 2 packet id; false if it is a duplicate to acknowledge but not route. */
    public synchronized boolean receiveQos2(int packetId) {
        boolean first = inboundQos2.add(packetId);
        if (first && journal != null) {
            journal.qos2Received(clientId, packetId);
        }
        return first;
    }

    /**
     * Whether another inbound QoS 2 message fits the broker's Receive Maximum; a retransmission
     * of one already held always does.
     */
    public synchronized boolean receiveQos2Allowed(int receiveMaximum, int packetId) {
        return inboundQos2.contains(packetId) || inboundQos2.size() < receiveMaximum;
    }

    /** PUBREL: forgets the packet id; returns whether it was known. */
    public synchronized boolean releaseQos2(int packetId) {
        boolean known = inboundQos2.remove(packetId);
        if (known && journal != null) {
            journal.qos2Released(clientId, packetId);
        }
        return known;
    }

    public synchronized int pendingInboundQos2() {
        return inboundQos2.size();
    }
}

package dev.midge.broker.session;

import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.subscription.Subscription;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state MQTT keeps per client id, across connections for a persistent session:
 * subscriptions, outbound messages in flight, the offline/overflow queue, and inbound QoS 2
 * packet ids awaiting PUBREL. Plain Java, no I/O. It coordinates: the {@link InflightWindow},
 * the {@link OfflineQueue} (QoS 1/2) and {@link Qos0Queue} under shared {@link QueueOverflow}
 * bounds, {@link InboundQos2} and the {@link Ledger} of what a persistent session owes.
 *
 * <p>Thread model: every method that changes delivery state is synchronized on the session;
 * the packets it decides on are handed to the connection under the lock (memory only, so
 * they keep this order across threads) and methods return a {@link Dispatch} that the caller
 * sends after the lock is released. The helpers are plain objects guarded by this lock, so a
 * session operation takes it once.
 */
public final class Session {

    /** Session Expiry Interval meaning "never" (3.1.1 clean session false, v5 0xFFFFFFFF). */
    public static final long NEVER_EXPIRES = 0xFFFFFFFFL;

    private final String clientId;
    /** The session's own list of subscriptions; the trie is the index. */
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Ledger ledger;
    private final OutboundFlow outbound;
    private final InboundQos2 inboundQos2;
    private int generation;
    private volatile long expiryInterval;
    /** Whether its last connection spoke MQTT 5 (false until one attaches): read by the router without the lock. */
    private volatile boolean v5;

    public Session(String clientId, int maxInflight, int maxQueuedMessages, long maxQueuedBytes) {
        this(clientId, new QueueLimits(maxInflight, maxQueuedMessages, maxQueuedBytes, 0, false, 0));
    }

    public Session(String clientId, QueueLimits limits) {
        this(clientId, limits, new java.util.concurrent.atomic.LongAdder());
    }

    /** @param droppedCount counts the messages its full queues drop, for the broker's figures */
    public Session(String clientId, QueueLimits limits, java.util.concurrent.atomic.LongAdder droppedCount) {
        this.clientId = clientId;
        this.ledger = new Ledger(clientId);
        this.outbound = new OutboundFlow(clientId, limits, ledger, droppedCount);
        this.inboundQos2 = new InboundQos2(ledger);
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
        Permissions owner = outbound.owner();
        return owner == null ? null : owner.identity();
    }

    /** The owner's rights (the authoriser of the listener it last connected through): they decide what it receives. */
    public synchronized Permissions owner() {
        return outbound.owner();
    }

    /** Counts attachments, so a timer started at a disconnect can tell if the client came back since. */
    public synchronized int generation() {
        return generation;
    }

    /** Whether its client spoke MQTT 5 when it last connected (false for a session restored and not yet resumed). */
    public boolean isV5() {
        return v5;
    }

    public synchronized boolean isConnected() {
        return outbound.connection() != null;
    }

    public synchronized DeliverySink connection() {
        return outbound.connection();
    }

    public void addSubscription(Subscription s) {
        subscriptions.put(s.filter().text(), s);
    }

    public Subscription removeSubscription(String filterText) {
        return subscriptions.remove(filterText);
    }

    public Collection<Subscription> subscriptions() {
        return List.copyOf(subscriptions.values());
    }

    /**
     * Starts (or, with null, stops) recording what this session owes its client. Messages it
     * already holds are recorded now, so the journal holds all of them from here on.
     */
    public synchronized void journal(SessionJournal j) {
        ledger.journal(j);
        if (j != null) {
            outbound.recordAll();
            inboundQos2.recordAll();
        }
    }

    public synchronized boolean isJournaled() {
        return ledger.journal() != null;
    }

    /**
     * Puts back, in sequence order, a message the session owed before a restart: in flight
     * under its packet identifier (redelivered with DUP), or queued ({@code packetId} 0).
     */
    public synchronized void restore(long sequence, int packetId, boolean released, Delivery d) {
        outbound.restore(sequence, packetId, released, d);
        ledger.restored(sequence);
    }

    /**
     * Numbers what this session owes from here on after {@code sequence}: the sequences up to it
     * belong to the node that held the session before, still writing the messages it queued while
     * this node took over (the tail of a takeover, {@link #restore}d later, in order).
     */
    public synchronized void reserveSequences(long sequence) {
        ledger.restored(sequence);
    }

    /** Puts back the packet identifier of an inbound QoS 2 message that was awaiting PUBREL. */
    public synchronized void restoreInboundQos2(int packetId) {
        inboundQos2.restore(packetId);
    }

    /**
     * Who owns the session now: the identity (and its authoriser) every delivery is checked
     * against, also while it is offline. Set by the engine when a client is given the session,
     * before its connection attaches, and by the restorer after a restart.
     */
    public synchronized void claim(Permissions who) {
        outbound.claim(who);
    }

    /** Attaches a new connection and returns what must be re-sent (after CONNACK): see {@link OutboundFlow#attach}. */
    public synchronized Dispatch attach(DeliverySink c, Permissions who, boolean isV5,
                                        int clientReceiveMaximum, long clientMaxPacketSize) {
        generation++;
        v5 = isV5;
        return outbound.attach(c, who, isV5, clientReceiveMaximum, clientMaxPacketSize);
    }

    /** Detaches the connection if it is still the current one; returns whether it was. */
    public synchronized boolean detach(DeliverySink c) {
        return outbound.detach(c);
    }

    /** Sends the message now if connected and the window allows, else queues it (QoS > 0). */
    public synchronized Dispatch offer(Delivery d) {
        return outbound.offer(d);
    }

    /** Offers several messages, in order, under one acquisition of the lock (one publisher's read). */
    public synchronized Dispatch offerAll(List<Delivery> deliveries) {
        List<Outbound> packets = null;
        DeliverySink to = null;
        SubscriberPressure pressure = outbound.pressure();
        for (Delivery d : deliveries) {
            pressure.holdWhileBatchOffered();
            Dispatch one = outbound.offer(d);
            if (one.connection() != null && !one.packets().isEmpty()) {
                if (packets == null) {
                    packets = new java.util.ArrayList<>(deliveries.size());
                }
                packets.addAll(one.packets());
                to = one.connection();
            }
        }
        pressure.batchOffered();
        return packets == null ? Dispatch.NOTHING : new Dispatch(to, packets);
    }

    /**
     * Whether this connected client has fallen behind and asks the publisher of what it was
     * just offered to stop being read (see {@link SubscriberPressure}); no lock, one volatile read.
     */
    public boolean asksPublishersToWait() {
        return outbound.pressure().pressing();
    }

    /** Runs {@code resume} (memory only, no blocking) once this client has caught up, or at once if it has. */
    public synchronized void whenCaughtUp(Runnable resume) {
        outbound.pressure().await(resume);
    }

    /** The connection can take more again: sends what waited for that. */
    public synchronized Dispatch onWritable() {
        return outbound.onWritable();
    }

    /** PUBACK for a QoS 1 message: done; the freed slot may send a queued message. */
    public Dispatch onPubAck(int packetId) {
        return onPubAcks(new int[] {packetId}, 1);
    }

    /** The first {@code count} PUBACKs of one read, under one acquisition of the lock: one per PUBACK starved the refill. */
    public synchronized Dispatch onPubAcks(int[] packetIds, int count) {
        return outbound.onPubAcks(packetIds, count);
    }

    /** PUBREC for a QoS 2 message: answer PUBREL (also for an id we no longer know, per spec). */
    public synchronized Dispatch onPubRec(int packetId, boolean accepted) {
        return outbound.onPubRec(packetId, accepted);
    }

    /** PUBCOMP: the QoS 2 message is complete. */
    public synchronized Dispatch onPubComp(int packetId) {
        return outbound.onPubComp(packetId);
    }

    /** Payload bytes this session holds for its client, in flight or waiting ({@code memory_limit}). */
    public synchronized long heldBytes() {
        return outbound.heldBytes();
    }

    public synchronized int inflightCount() {
        return outbound.inflightCount();
    }

    public synchronized int queuedCount() {
        return outbound.queuedCount();
    }

    /** QoS 0 messages waiting for the connected client's connection to take more. */
    public synchronized int queuedQos0Count() {
        return outbound.queuedQos0Count();
    }

    /** Records an inbound QoS 2 packet id; false if it is a duplicate to acknowledge but not route. */
    public synchronized boolean receiveQos2(int packetId) {
        return inboundQos2.receive(packetId);
    }

    /** Whether another inbound QoS 2 message fits the broker's Receive Maximum (a retransmission always does). */
    public synchronized boolean receiveQos2Allowed(int receiveMaximum, int packetId) {
        return inboundQos2.allowed(receiveMaximum, packetId);
    }

    /** PUBREL: forgets the packet id; returns whether it was known. */
    public synchronized boolean releaseQos2(int packetId) {
        return inboundQos2.release(packetId);
    }

    public synchronized int pendingInboundQos2() {
        return inboundQos2.size();
    }
}

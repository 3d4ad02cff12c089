package dev.midge.broker.engine;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.logging.LogCategory;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.cluster.ClusterLink;
import dev.midge.broker.cluster.ClusterSessions;
import dev.midge.broker.message.Message;
import dev.midge.broker.counters.BrokerCounters;
import dev.midge.broker.counters.PacketCounter;
import dev.midge.broker.persist.DurableState;
import dev.midge.broker.retained.RetainedStore;
import dev.midge.broker.security.ClientIdTakeover;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.Session;
import dev.midge.broker.session.DeliverySink;
import dev.midge.broker.session.Permissions;
import dev.midge.broker.session.QueueLimits;
import dev.midge.broker.session.SessionRegistry;
import dev.midge.broker.session.WillScheduler;
import dev.midge.broker.subscription.Subscription;
import dev.midge.broker.subscription.SubscriptionTrie;
import dev.midge.broker.subscription.TopicFilter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The broker's shared state and the operations that span sessions: connect (new, resumed or
 * taken over), subscribe with retained delivery, publish, and the end of a connection (will,
 * session expiry). No Netty here: connections are {@link DeliverySink}s.
 *
 * <p>Session lifecycle changes (create, take over, end) are serialised by this object's lock;
 * nothing is written to a channel while it is held.
 */
public final class MqttEngine {

    private static final Logger LOG = LoggerFactory.getLogger(MqttEngine.class);

    /**
     * The outcome of a CONNECT: the session, whether it existed, and a connection to take over.
     * {@code foreignOwner} is the identity that owned the client id's session under another
     * username: with a null session the CONNECT is refused for it; otherwise that session was
     * ended, not handed over ({@link ClientIdTakeover#ANY_USERNAME}).
     */
    public record ConnectOutcome(Session session, boolean sessionPresent, DeliverySink takenOver,
                            ClientIdentity foreignOwner) {
        public boolean refused() {
            return session == null;
        }
    }

    private final BrokerOptions options;
    private final SubscriptionTrie trie = new SubscriptionTrie();
    private final RetainedStore retained;
    private final SessionRegistry sessions = new SessionRegistry();
    private final PublishRouter router;
    private final WillScheduler wills;
    private final ScheduledExecutorService timer;
    /** The on-disk store, or null when persistence is off (then nothing below touches a disk). */
    private final DurableState durable;
    private final BrokerCounters counters = new BrokerCounters();
    private final RetainSourceCheck retainSource;
    private final MemoryLimit memoryLimit;
    private final PacketCounter packetCounter = new PacketCounter(counters);
    /** This node's side of the cluster, or null for a broker on its own (then nothing of it runs). */
    private volatile ClusterRouting cluster;
    /** Sessions shared with the cluster (ownership, replicas, wills), or null: then none of it runs. */
    private volatile SessionHandover handover;

    public MqttEngine(BrokerOptions options, ScheduledExecutorService timer) {
        this(options, timer, null);
    }

    /** An engine whose retained messages and persistent sessions live in {@code durable} too. */
    public MqttEngine(BrokerOptions options, ScheduledExecutorService timer, DurableState durable) {
        this.options = options;
        this.timer = timer;
        this.durable = durable;
        this.retainSource = new RetainSourceCheck(options);
        // $SYS topics are rewritten every sys_interval and mean nothing after a restart: kept off the disk, as mosquitto does.
        this.retained = durable == null ? new RetainedStore()
                : new RetainedStore((m, source) -> { if (!m.topic().startsWith("$SYS/")) durable.retainedChanged(m, source); });
        this.router = new PublishRouter(trie, retained, sessions, options.retainAvailable(),
                options.delivery().upgradeOutgoingQos());
        this.wills = new WillScheduler(timer);
        this.memoryLimit = MemoryLimit.start(options.delivery().memoryLimit(), this, timer);
        if (durable != null) {
            new StateRestorer(this, durable, trie).restore(durable.takeSnapshot());
        }
    }

    /**
     * When a PUBACK/PUBREC may go out: null with persistence off (at once), else a future that
     * completes once every change made so far (this message queued or retained) is on disk.
     */
    public CompletableFuture<Void> durability() {
        CompletableFuture<Void> disk = durable == null ? null : durable.barrier();
        ClusterRouting c = cluster;
        CompletableFuture<Void> nodes = c == null ? null : c.delivered();
        return nodes == null ? disk : disk == null ? nodes : CompletableFuture.allOf(disk, nodes);
    }

    /**
     * Whether a PUBACK/PUBREC may have to wait ({@link #durability}): with persistence, or on a
     * cluster node, whose acknowledgement waits until the other nodes hold the message.
     */
    public boolean acknowledgementsWait() {
        return durable != null || cluster != null;
    }

    /** mosquitto's {@code memory_limit}: whether the message bytes held are over it, asked per PUBLISH. */
    public MemoryLimit memoryLimit() {
        return memoryLimit;
    }

    /**
     * What a SUBACK waits for besides the disk: the other nodes of the cluster learning this
     * node's new filters (null when nothing is pending or there is no cluster).
     */
    public CompletableFuture<Void> clusterFiltersKnown() {
        ClusterRouting c = cluster;
        return c == null ? null : c.filtersKnown();
    }

    /** Why this cluster node refuses new clients now (CONNACK Server unavailable), or null: it serves. */
    public String clusterRefusal() {
        ClusterRouting c = cluster;
        return c == null ? null : c.refusal();
    }

    /** Whether messages and sessions are kept on disk: only then is anything acknowledged late. */
    public boolean persistent() {
        return durable != null;
    }

    /** False while persistence is on and the store cannot write (disk full): QoS 1/2 publishes are refused meanwhile. */
    public boolean storeWritable() {
        return durable == null || durable.writable();
    }

    /**
     * With persistence: true if more changes wait for the disk than the writer's bound, and
     * then {@code resume} runs (on the writer thread) once it has caught up; false otherwise.
     */
    public boolean pauseWhileStoreBacklogged(Runnable resume) {
        return durable != null && durable.pauseWhileBacklogged(resume);
    }

    /**
     * On a cluster node: true if the message this thread just published joined a queue to another
     * node that is over its high-water mark; then {@code resume} runs (on a cluster thread) once
     * that queue has drained to its low-water mark. False otherwise, and always without a cluster.
     */
    public boolean pauseWhileClusterBacklogged(Runnable resume) {
        ClusterRouting c = cluster;
        return c != null && c.pauseWhileBacklogged(resume);
    }

    /** Whether this broker is a cluster node (only then may {@link #pauseWhileClusterBacklogged} pause). */
    public boolean clustered() {
        return cluster != null;
    }

    Session newSession(String clientId) {
        return new Session(clientId, new QueueLimits(Limits.receiveMaximum(options), options.maxQueuedMessages(),
                options.maxQueuedBytes(), options.delivery().maxInflightBytes(), options.delivery().queueQos0Messages(),
                options.delivery().maxPublisherPause().toNanos()), counters.publishDroppedCounter());
    }

    /** Starts the expiry of a session that is not connected, as at a disconnect. */
    void scheduleExpiry(Session session, long delaySeconds) {
        int generation = session.generation();
        timer.schedule(() -> expire(session, generation), delaySeconds, TimeUnit.SECONDS);
    }

    /** The store's file with persistence on, else null. */
    public java.nio.file.Path storeFile() {
        return durable == null ? null : durable.file();
    }

    /** The running totals for $SYS and /metrics. */
    public BrokerCounters counters() {
        return counters;
    }

    /** The pipeline's packet counter, shared by every connection. */
    public PacketCounter packetCounter() {
        return packetCounter;
    }

    public BrokerOptions options() {
        return options;
    }

    public PublishRouter router() {
        return router;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public RetainedStore retained() {
        return retained;
    }

    public WillScheduler wills() {
        return wills;
    }

    /**
     * Finds or creates the session for a client that was just authenticated, and makes
     * {@code owner} its owner: from now on every delivery is checked against its permissions. A live connection with the same client id is detached here and returned,
     * for the caller to close outside the lock. A session owned by another username is refused
     * or ended as {@link BrokerOptions#clientIdTakeover()} says, never handed over.
     */
    public ConnectOutcome connect(Permissions owner, boolean cleanStart, long expiryInterval) {
        ClientIdentity who = owner.identity();
        String clientId = who.clientId();
        List<Runnable> afterwards = new ArrayList<>();
        ConnectOutcome result;
        synchronized (this) {
            Session existing = sessions.get(clientId);
            ClientIdentity previous = existing == null ? null : existing.identity();
            boolean foreign = previous != null && !Objects.equals(previous.username(), who.username());
            if (foreign && options.clientIdTakeover() == ClientIdTakeover.SAME_USERNAME) {
                return new ConnectOutcome(null, false, null, previous);
            }
            if (!foreign) {
                // The same client back: its delayed will is cancelled (§3.1.3.2.2). Another
                // identity's arrival instead ends the session below, which sends a pending will.
                wills.cancel(clientId);
            }
            DeliverySink old = existing == null ? null : existing.connection();
            if (old != null) {
                existing.detach(old);
            }
            Session session;
            boolean present;
            if (existing != null && !cleanStart && !foreign) {
                session = existing;
                present = true;
            } else {
                if (existing != null) {
                    end(existing, afterwards);
                }
                session = newSession(clientId);
                present = false;
            }
            session.claim(owner);
            sessions.put(session);
            session.expiryInterval(expiryInterval);
            if (durable != null || handover != null) {
                journal(session, expiryInterval);
            }
            result = new ConnectOutcome(session, present, old, foreign ? previous : null);
            counters.clientConnected();
        }
        afterwards.forEach(Runnable::run);
        return result;
    }

    /**
     * A connection ended. Runs or schedules {@code sendWill} (null without a will or after a
     * normal DISCONNECT) and starts the session's expiry. A connection that was taken over no
     * longer owns its session, so only its will (without delay) matters.
     */
    public void disconnected(Session session, DeliverySink connection, Runnable sendWill, long willDelaySeconds) {
        // Wills are routed after the lock is released: routing writes to channels.
        List<Runnable> afterwards = new ArrayList<>();
        counters.clientDisconnected();
        synchronized (this) {
            boolean owner = session.detach(connection);
            SessionHandover h = handover;
            boolean delayed = sendWill != null && willDelaySeconds > 0 && owner;
            if (owner && h != null) {
                if (delayed) {
                    // Still pending: should this node die before the delay is over, the survivor sends it.
                    h.willDelayed(session.clientId(), System.currentTimeMillis());
                } else {
                    h.willDone(session.clientId()); // this node dealt with it; no survivor sends it again
                }
            }
            if (sendWill != null && !delayed) {
                // Taken over: a delayed will is cancelled by the new connection (§3.1.3.2.2).
                if (willDelaySeconds <= 0) {
                    afterwards.add(sendWill);
                }
            } else if (delayed) {
                String clientId = session.clientId();
                wills.schedule(clientId, h == null ? sendWill : () -> {
                    sendWill.run();
                    h.willDone(clientId);
                }, willDelaySeconds);
            }
            if (owner) {
                long expiry = session.expiryInterval();
                if (expiry == 0) {
                    end(session, afterwards);
                    if (handover != null) {
                        handover.left(session.clientId());
                    }
                } else {
                    if (durable != null && session.isJournaled()) {
                        // From now its expiry counts, also across a restart.
                        durable.sessionChanged(session, System.currentTimeMillis());
                    }
                    if (expiry != Session.NEVER_EXPIRES) {
                        scheduleExpiry(session, expiry);
                    }
                }
            }
        }
        afterwards.forEach(Runnable::run);
    }

    private void expire(Session session, int generation) {
        List<Runnable> afterwards = new ArrayList<>();
        synchronized (this) {
            if (!session.isConnected() && session.generation() == generation
                    && sessions.get(session.clientId()) == session) {
                counters.clientExpired();
                // As mosquitto's line: an operator sees why a device's queue went away.
                LOG.info(LogCategory.NOTICE, "Expiring client {} due to timeout.", LogSafe.text(session.clientId()));
                end(session, afterwards);
                if (handover != null) {
                    handover.left(session.clientId());
                }
            }
        }
        afterwards.forEach(Runnable::run);
    }

    /**
     * Ends a session: forgets it and its subscriptions; a will still waiting for its delay is
     * sent now (at the earlier of delay and session end, §3.1.2.5), by the caller, unlocked.
     */
    private void end(Session session, List<Runnable> afterwards) {
        sessions.remove(session);
        if (handover != null && session.isJournaled()) {
            handover.sessionEnded(session.clientId());
        }
        if (durable != null && session.isJournaled()) {
            session.journal(null);
            durable.sessionEnded(session.clientId());
        }
        unsubscribeAll(session);
        Runnable pendingWill = wills.take(session.clientId());
        if (pendingWill != null) {
            afterwards.add(pendingWill);
        }
    }

    /** Takes the session's subscriptions out of the trie, and out of the cluster's routes where it was the last. */
    void unsubscribeAll(Session session) {
        ClusterRouting c = cluster;
        for (Subscription s : session.subscriptions()) {
            if (trie.unsubscribe(session.clientId(), s.filter()) && c != null) {
                c.unsubscribed(s.filter());
            }
        }
    }

    /** This node's side of the cluster, or null on a broker on its own. */
    ClusterRouting clusterRouting() {
        return cluster;
    }

    /**
     * Adds an authorised subscription; returns whether it is new (not a replacement). Done
     * before SUBACK, so a message published after the client saw SUBACK reaches it.
     */
    public boolean subscribe(Session session, Subscription subscription) {
        boolean isNew = trie.subscribe(subscription);
        if (isNew && cluster != null) {
            cluster.subscribed(subscription.filter());
        }
        session.addSubscription(subscription);
        if (durable != null && session.isJournaled()) {
            durable.sessionChanged(session, 0);
        }
        if (handover != null && session.isJournaled()) {
            handover.stateChanged(session);
        }
        return isNew;
    }

    /**
     * Offers the retained messages matching a new subscription, as its retain handling asks
     * (shared subscriptions get none, §4.8.2). Called after SUBACK was written.
     */
    public void sendRetained(Session session, Subscription subscription, boolean isNew) {
        boolean sendRetained = switch (subscription.retainHandling()) {
            case 0 -> true;
            case 1 -> isNew;
            default -> false;
        };
        if (!sendRetained || subscription.filter().isShared() || !options.retainAvailable()) {
            return;
        }
        List<Integer> ids = subscription.subscriptionIdentifier() > 0
                ? List.of(subscription.subscriptionIdentifier()) : List.of();
        for (Message m : retained.match(subscription.filter().filter(), System.nanoTime(), retainSource::mayStillPublish)) {
            // The session checks the receiver's read rights, as for every delivery.
            int qos = PublishRouter.outgoingQos(m.qos(), subscription.qos(), options.delivery().upgradeOutgoingQos());
            session.offer(new Delivery(m, qos, true, ids)).send();
        }
    }

    /** Returns whether the client had that subscription. */
    public boolean unsubscribe(Session session, String filterText) {
        Subscription s = session.removeSubscription(filterText);
        if (s != null && durable != null && session.isJournaled()) {
            durable.sessionChanged(session, 0);
        }
        if (s != null && handover != null && session.isJournaled()) {
            handover.stateChanged(session);
        }
        boolean removed = s != null && trie.unsubscribe(session.clientId(), s.filter());
        if (removed && cluster != null) {
            cluster.unsubscribed(s.filter());
        }
        return removed;
    }

    /**
     * Makes this broker a node of {@code link}'s cluster: joins it (blocking), announces the
     * filters of restored sessions, and from then on tells it of local publishes and filters.
     */
    public void joinCluster(ClusterLink link) throws Exception {
        ClusterRouting routing = new ClusterRouting(link, router, retained, options.retainAvailable());
        List<TopicFilter> restored = new ArrayList<>();
        synchronized (this) {
            for (Session s : sessions.all()) {
                s.subscriptions().forEach(sub -> restored.add(sub.filter()));
            }
            cluster = routing;
        }
        router.cluster(routing);
        routing.start(restored);
        if (link.sessions() != null) {
            SessionHandover h = new SessionHandover(this, link.sessions());
            h.transfer(new SessionTransfer(this, trie, durable, h));
            handover = h;
            link.sessions().bind(h);
        }
    }

    /**
     * On a cluster node that shares sessions: a future that completes with null once this node
     * owns the client id and holds its session, or with why the CONNECT is refused. Null on a
     * broker on its own (nothing to wait for).
     */
    public CompletableFuture<String> claimInCluster(ClientIdentity who, boolean cleanStart, Message will,
                                                    long willDelaySeconds) {
        SessionHandover h = handover;
        return h == null ? null : h.claim(who, cleanStart, will, willDelaySeconds);
    }

    /** The connection {@link #claimInCluster} was for is attached: see {@link ClusterSessions#attached}. */
    public void attachedInCluster(ClientIdentity who) {
        SessionHandover h = handover;
        if (h != null) {
            h.attached(who);
        }
    }

    /**
     * Routes a message from a client (already authorised) or from the application (null).
     * Returns the subscribers that ask the publisher to stop being read until one catches up (flow control).
     */
    public List<Session> publish(Message message, ClientIdentity publisher) {
        return router.route(message, publisher, null);
    }

    /** The same, its deliveries gathered in {@code batch} when it is not null (see {@link DeliveryBatch}). */
    public List<Session> publish(Message message, ClientIdentity publisher, DeliveryBatch batch) {
        return router.route(message, publisher, batch);
    }

    /**
     * Only sessions that outlive their connection (expiry > 0) are kept on disk; one that no
     * longer does (reconnected with expiry 0) is forgotten there at once.
     */
    private void journal(Session session, long expiryInterval) {
        if (expiryInterval > 0) {
            session.journal(durable == null ? handover : handover == null ? durable : new BothJournals(durable, handover));
            if (durable != null) {
                durable.sessionChanged(session, 0);
            }
            if (handover != null) {
                handover.stateChanged(session);
            }
        } else if (session.isJournaled()) {
            session.journal(null);
            if (durable != null) {
                durable.sessionEnded(session.clientId());
            }
            if (handover != null) {
                handover.sessionEnded(session.clientId());
            }
        }
    }

    /** Forgets everything in memory: for close(). The store keeps its copy. Messages are plain byte arrays, so nothing to release. */
    public synchronized void clear() {
        sessions.clear();
        retained.clear();
    }
}

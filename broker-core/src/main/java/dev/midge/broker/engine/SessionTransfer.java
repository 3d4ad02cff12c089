package dev.midge.broker.engine;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.message.Message;
import dev.midge.broker.persist.DurableState;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.session.DeliverySink;
import dev.midge.broker.session.Permissions;
import dev.midge.broker.session.PluginAuthorizer;
import dev.midge.broker.session.Session;
import dev.midge.broker.subscription.Subscription;
import dev.midge.broker.subscription.SubscriptionTrie;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves sessions into and out of this engine for the cluster: takes in a session that lived on
 * another node (its subscriptions into the trie and the routes, its owed messages in order), lets
 * one go when another node takes its client, and schedules the will of a client whose node died.
 * Changes to the registry and trie are made under the engine's lock, as the engine's own are.
 */
final class SessionTransfer {

    private static final Logger LOG = LoggerFactory.getLogger(SessionTransfer.class);
    /**
     * Sequences left to the previous node after a takeover from a live node: it numbers what it
     * queues meanwhile after the last one it handed over, this node numbers its own after these.
     */
    static final long TAIL_ROOM = 1L << 32;

    private final MqttEngine engine;
    private final SubscriptionTrie trie;
    private final DurableState durable;
    private final SessionHandover handover;
    /** Sessions released to another node and still held here (queuing, routed) until it has its routes out. */
    private final java.util.Map<String, Session> held = new java.util.HashMap<>();

    SessionTransfer(MqttEngine engine, SubscriptionTrie trie, DurableState durable, SessionHandover handover) {
        this.engine = engine;
        this.trie = trie;
        this.durable = durable;
        this.handover = handover;
    }

    /**
     * Takes in a session that lived on another node, as the restorer does after a restart: its
     * subscriptions, the messages it owes in their order (in flight ones keep their packet ids),
     * and the inbound QoS 2 packet ids awaiting PUBREL. {@code adopted}: its node died and nobody is connecting, so its expiry starts now.
     * {@code tailFollows}: the previous node still queues for it, numbering after the last
     * sequence handed over, which is returned (0 for none); -1 if nothing was taken in.
     */
    long importSession(String clientId, SessionHandover.Imported image, boolean adopted, boolean tailFollows) {
        BrokerOptions options = engine.options();
        synchronized (engine) {
            Session stale = engine.sessions().get(clientId);
            if (stale != null) {
                if (stale.isConnected()) {
                    return -1; // it came back here meanwhile: this node's copy is the newer one
                }
                drop(stale);
            }
            Session session = engine.newSession(clientId);
            long expiry = options.sessionExpiry(image.state().expiryInterval());
            session.expiryInterval(expiry);
            session.claim(new Permissions(new ClientIdentity(clientId, image.state().username(), null, 0, null),
                    PluginAuthorizer.of(options.authorizer(), options.access().plugins())));
            ClusterRouting cluster = engine.clusterRouting();
            for (Subscription sub : image.state().subscriptions()) {
                session.addSubscription(sub);
                if (trie.subscribe(sub) && cluster != null) {
                    cluster.subscribed(sub.filter());
                }
            }
            image.owed().forEach((sequence, m) -> session.restore(sequence, m.packetId(), m.released(), m.delivery()));
            image.inboundQos2().forEach(session::restoreInboundQos2);
            long last = image.owed().isEmpty() ? 0 : image.owed().lastKey();
            if (tailFollows) {
                session.reserveSequences(last + TAIL_ROOM);
            }
            session.journal(durable == null ? handover : new BothJournals(durable, handover));
            engine.sessions().put(session);
            if (adopted && expiry != Session.NEVER_EXPIRES) {
                engine.scheduleExpiry(session, expiry);
            }
            return last;
        }
    }

    /**
     * The messages the previous node queued for a session while this node took it over: they
     * go before what this node queued since (they are older), and are in the cluster's copy already.
     */
    void importTail(String clientId, java.util.SortedMap<Long, dev.midge.broker.persist.ReplicaForm.Owed> tail) {
        if (tail.isEmpty()) {
            return;
        }
        synchronized (engine) {
            Session session = engine.sessions().get(clientId);
            if (session == null) {
                return;
            }
            tail.forEach((sequence, m) -> session.restore(sequence, 0, false, m.delivery()));
        }
        LOG.debug("Took over {} messages queued for client {} during its takeover.", tail.size(), LogSafe.text(clientId));
    }

    /**
     * Another node took the client over: its connection here is closed as taken over, without a
     * will or an end for the cluster (it continues there). A persistent session stays here,
     * offline, queuing what is routed here (into the cluster's copy) until {@link #letGo}: until
     * the new node's routes are out, this node's are the only ones. Any other is forgotten at once.
     * A will still waiting for its delay is cancelled: the client is back (§3.1.3.2.2).
     */
    void release(String clientId) {
        DeliverySink old;
        synchronized (engine) {
            engine.wills().cancel(clientId);
            Session session = engine.sessions().get(clientId);
            if (session == null) {
                return;
            }
            old = session.connection();
            if (old != null) {
                session.detach(old);
            }
            if (session.isJournaled() && handover != null) {
                held.put(clientId, session);
            } else {
                drop(session);
            }
        }
        if (old != null) {
            old.takenOver(); // outside the lock: it writes to the old channel
        }
    }

    /** The new node routes the released session now: it is forgotten here, unless it came back meanwhile. */
    void letGo(String clientId) {
        synchronized (engine) {
            Session session = held.remove(clientId);
            if (session != null && engine.sessions().get(clientId) == session && !session.isConnected()) {
                drop(session);
            }
        }
    }

    /** Forgets a session here only: its subscriptions leave this node's routes, its journal stops. */
    private void drop(Session session) {
        engine.sessions().remove(session);
        if (durable != null && session.isJournaled()) {
            durable.sessionEnded(session.clientId());
        }
        session.journal(null);
        engine.unsubscribeAll(session);
    }

    /** A will of a client whose node died: sent as that client's, checked against the broker-wide rights, after its delay. */
    void scheduleOrphanWill(String clientId, String username, Message will, long delaySeconds) {
        BrokerOptions options = engine.options();
        Permissions owner = new Permissions(new ClientIdentity(clientId, username, null, 0, null),
                PluginAuthorizer.of(options.authorizer(), options.access().plugins()));
        engine.wills().schedule(clientId, () -> {
            if (owner.mayPublishWill(will.topic())) {
                engine.publish(will, owner.identity());
            } else {
                LOG.warn("Will of client {} (username {}) on {} not sent: not authorised.", LogSafe.text(clientId),
                        LogSafe.text(username), LogSafe.text(will.topic()));
            }
        }, delaySeconds);
    }
}

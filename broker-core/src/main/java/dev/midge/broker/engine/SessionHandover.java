package dev.midge.broker.engine;

import dev.midge.broker.cluster.ClusterMessage;
import dev.midge.broker.cluster.ClusterSessions;
import dev.midge.broker.cluster.SessionImage;
import dev.midge.broker.cluster.SessionInbox;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.message.Message;
import dev.midge.broker.persist.ReplicaForm;
import dev.midge.broker.security.ClientIdTakeover;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.Session;
import dev.midge.broker.session.SessionJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * The engine's side of {@link ClusterSessions}: claims a client id before its CONNECT is
 * answered, takes in a session that lived on another node, lets one go when another node takes
 * its client, continues a dead node's sessions and sends its clients' wills. It is also the
 * {@link SessionJournal} of replicated sessions, turning what a session owes into the store's
 * record bytes. Exists only on a node whose cluster shares sessions: a broker on its own never
 * reaches any of this.
 */
final class SessionHandover implements SessionInbox, SessionJournal {

    private static final Logger LOG = LoggerFactory.getLogger(SessionHandover.class);

    private final MqttEngine engine;
    private final ClusterSessions cluster;
    private SessionTransfer transfer;

    SessionHandover(MqttEngine engine, ClusterSessions cluster) {
        this.engine = engine;
        this.cluster = cluster;
    }

    /** Set once, before the cluster is bound: the two refer to each other (it journals through this). */
    void transfer(SessionTransfer t) {
        this.transfer = t;
    }

    /**
     * Completes with null once this node owns the client id (and holds its session, if it lived
     * elsewhere and the CONNECT does not start clean), or with why the CONNECT is refused.
     *
     * <p>From a live node the session moves without a gap: it is taken in here and its routes
     * announced while the previous node still holds it; once the other nodes know the routes, the
     * previous node lets go and what it queued meanwhile (the tail) joins the session here. Only
     * then is the CONNECT answered. What both held in that moment arrives twice (as QoS 1 allows).
     */
    CompletableFuture<String> claim(ClientIdentity who, boolean cleanStart, Message will, long willDelaySeconds) {
        boolean anyUsername = engine.options().clientIdTakeover() == ClientIdTakeover.ANY_USERNAME;
        String clientId = who.clientId();
        return cluster.claim(clientId, who.username(), anyUsername, cleanStart,
                        will == null ? null : ClusterRouting.toCluster(will), willDelaySeconds)
                .thenCompose(claim -> {
                    if (claim.foreignUsername() != null) {
                        return CompletableFuture.completedFuture("its client id has a session of username "
                                + LogSafe.text(claim.foreignUsername()) + " on another node (midge_clientid_takeover username)");
                    }
                    long last = claim.image() != null && !cleanStart
                            ? transfer.importSession(clientId, image(clientId, claim.image()), false, claim.handingOver())
                            : -1;
                    if (!claim.handingOver()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    CompletableFuture<Void> routed = engine.clusterFiltersKnown();
                    return (routed == null ? CompletableFuture.<Void>completedFuture(null) : routed)
                            .thenCompose(x -> cluster.handedOver(clientId, last < 0 ? Long.MAX_VALUE : last))
                            .thenApply(tail -> {
                                if (last >= 0) {
                                    transfer.importTail(clientId, owed(tail));
                                } else if (cleanStart) {
                                    cluster.sessionEnded(clientId); // the previous node's copy, tail included
                                }
                                return null;
                            });
                });
    }

    void attached(ClientIdentity who) {
        cluster.attached(who.clientId(), who.username());
    }

    /** The state a session is replicated as. */
    void stateChanged(Session session) {
        ClientIdentity who = session.identity();
        cluster.stateChanged(session.clientId(), ReplicaForm.state(session.expiryInterval(),
                who == null ? null : who.username(), session.subscriptions()));
    }

    void sessionEnded(String clientId) {
        cluster.sessionEnded(clientId);
    }

    void willDelayed(String clientId, long disconnectedAtMillis) {
        cluster.willDelayed(clientId, disconnectedAtMillis);
    }

    void willDone(String clientId) {
        cluster.willDone(clientId);
    }

    void left(String clientId) {
        cluster.left(clientId);
    }

    // ---- SessionInbox ----

    @Override
    public void release(String clientId) {
        transfer.release(clientId);
    }

    @Override
    public void letGo(String clientId) {
        transfer.letGo(clientId);
    }

    @Override
    public void adopt(String clientId, SessionImage image) {
        Imported session = image(clientId, image);
        transfer.importSession(clientId, session, true, false);
        LOG.info("Continuing the session of client {} (username {}) from a node that left the cluster: {} "
                        + "subscriptions, {} messages owed.", LogSafe.text(clientId), LogSafe.text(session.state().username()),
                session.state().subscriptions().size(), session.owed().size());
    }

    @Override
    public void will(String clientId, String username, ClusterMessage will, long delaySeconds) {
        LOG.info("Client {} (username {}) was connected to a node that left the cluster: its will on {} goes "
                        + "out from here{}.", LogSafe.text(clientId), LogSafe.text(username), LogSafe.text(will.topic()),
                delaySeconds > 0 ? " in " + delaySeconds + " s" : "");
        transfer.scheduleOrphanWill(clientId, username, ClusterRouting.toMessage(will), delaySeconds);
    }

    // ---- SessionJournal: what a replicated session owes ----

    @Override
    public void owed(String clientId, long sequence, int packetId, boolean released, Delivery delivery) {
        cluster.owed(clientId, sequence, ReplicaForm.owed(packetId, released, delivery));
    }

    @Override
    public void settled(String clientId, long sequence) {
        cluster.settled(clientId, sequence);
    }

    @Override
    public void qos2Received(String clientId, int packetId) {
        cluster.inboundQos2(clientId, packetId, true);
    }

    @Override
    public void qos2Released(String clientId, int packetId) {
        cluster.inboundQos2(clientId, packetId, false);
    }

    /** A session decoded from the cluster's copy. */
    record Imported(ReplicaForm.State state, java.util.SortedMap<Long, ReplicaForm.Owed> owed,
                    java.util.Set<Integer> inboundQos2) {
    }

    private static Imported image(String clientId, SessionImage image) {
        return new Imported(ReplicaForm.state(clientId, image.state()), owed(image.owed()), image.inboundQos2());
    }

    private static java.util.SortedMap<Long, ReplicaForm.Owed> owed(java.util.SortedMap<Long, byte[]> bytes) {
        java.util.SortedMap<Long, ReplicaForm.Owed> owed = new java.util.TreeMap<>();
        bytes.forEach((seq, b) -> owed.put(seq, ReplicaForm.owed(b)));
        return owed;
    }
}

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

    SessionHandover(MqttEngine engine, ClusterSessions cluster) {
        this.engine = engine;
        this.cluster = cluster;
    }

    /**
     * Completes with null once this node owns the client id (and holds its session, if it lived
     * elsewhere and the CONNECT does not start clean), or with why the CONNECT is refused.
     */
    CompletableFuture<String> claim(ClientIdentity who, boolean cleanStart, Message will, long willDelaySeconds) {
        boolean anyUsername = engine.options().clientIdTakeover() == ClientIdTakeover.ANY_USERNAME;
        return cluster.claim(who.clientId(), who.username(), anyUsername, cleanStart,
                        will == null ? null : ClusterRouting.toCluster(will), willDelaySeconds)
                .thenApply(claim -> {
                    if (claim.foreignUsername() != null) {
                        return "its client id has a session of username " + LogSafe.text(claim.foreignUsername())
                                + " on another node (midge_clientid_takeover username)";
                    }
                    if (claim.image() != null && !cleanStart) {
                        engine.importSession(who.clientId(), image(who.clientId(), claim.image()), false);
                    }
                    return null;
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

    void willDone(String clientId) {
        cluster.willDone(clientId);
    }

    void left(String clientId) {
        cluster.left(clientId);
    }

    // ---- SessionInbox ----

    @Override
    public void release(String clientId) {
        engine.releaseSession(clientId);
    }

    @Override
    public void adopt(String clientId, SessionImage image) {
        Imported session = image(clientId, image);
        engine.importSession(clientId, session, true);
        LOG.info("Continuing the session of client {} (username {}) from a node that left the cluster: {} "
                        + "subscriptions, {} messages owed.", LogSafe.text(clientId), LogSafe.text(session.state().username()),
                session.state().subscriptions().size(), session.owed().size());
    }

    @Override
    public void will(String clientId, String username, ClusterMessage will, long delaySeconds) {
        LOG.info("Client {} (username {}) was connected to a node that left the cluster: its will on {} goes "
                        + "out from here{}.", LogSafe.text(clientId), LogSafe.text(username), LogSafe.text(will.topic()),
                delaySeconds > 0 ? " in " + delaySeconds + " s" : "");
        engine.scheduleOrphanWill(clientId, username, ClusterRouting.toMessage(will), delaySeconds);
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
        // Inbound QoS 2 ids stay with the node: a PUBLISH resent to another node after a
        // takeover is routed again there (at most a duplicate, as after a lost PUBREC).
    }

    @Override
    public void qos2Released(String clientId, int packetId) {
    }

    /** A session decoded from the cluster's copy. */
    record Imported(ReplicaForm.State state, java.util.SortedMap<Long, ReplicaForm.Owed> owed) {
    }

    private static Imported image(String clientId, SessionImage image) {
        java.util.SortedMap<Long, ReplicaForm.Owed> owed = new java.util.TreeMap<>();
        image.owed().forEach((seq, bytes) -> owed.put(seq, ReplicaForm.owed(bytes)));
        return new Imported(ReplicaForm.state(clientId, image.state()), owed);
    }
}

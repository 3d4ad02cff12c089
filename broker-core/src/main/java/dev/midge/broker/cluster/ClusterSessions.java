package dev.midge.broker.cluster;

import java.util.concurrent.CompletableFuture;

/**
 * The part of a cluster that lets client sessions move between nodes: which node owns each client
 * id (a CONNECT on one node takes the client over from another, as on one broker), a copy of every
 * persistent session's state on another node (so a node's SIGKILL loses none), and the wills of a
 * node's clients, fired by one survivor if the node dies. A link offers it through
 * {@link ClusterLink#sessions()}; with none, clients are per node.
 *
 * <p>State travels as the engine's bytes: the cluster stores them and never reads them. Every
 * method returns at once (called on event loops, some under a session's lock); the work runs on
 * the link's threads, in call order.
 */
public interface ClusterSessions {

    /**
     * What a claim found: refused because the client id belongs to {@code foreignUsername} (and
     * takeover by another username is off), else the session's last state when it lived on
     * another node (null when this node has it, or it has none, or the CONNECT starts clean).
     * {@code handingOver}: the previous node is alive and still holds the session (taking its
     * messages, its routes in place) until this node calls {@link #handedOver}, so that no message
     * published meanwhile falls between the two nodes.
     */
    record Claim(String foreignUsername, SessionImage image, boolean handingOver) {
        public static final Claim LOCAL = new Claim(null, null, false);
    }

    /** Where the cluster reaches back into the engine; given once the engine is ready. */
    void bind(SessionInbox inbox);

    /**
     * Makes this node the owner of the client id, with the CONNECT's will (null for none) kept
     * with the ownership so a survivor can send it. A node that held it is told to let go
     * ({@link SessionInbox#release}) and finishes writing the session's state first.
     */
    CompletableFuture<Claim> claim(String clientId, String username, boolean anyUsername, boolean cleanStart,
                                   ClusterMessage will, long willDelaySeconds);

    /**
     * After a claim that is {@link Claim#handingOver}: the other nodes know this node's routes for
     * the session now (its filters are known), so the previous node may let it go. The previous
     * node waits until every node has sent it everything it routed there before, lets go, and the
     * future completes with what its copy owed after {@code afterSequence} then (sequence → the
     * engine's bytes): the messages it queued while this node was taking over. Never fails (a node
     * that does not answer in time is not waited for).
     */
    CompletableFuture<java.util.SortedMap<Long, byte[]>> handedOver(String clientId, long afterSequence);

    /**
     * The connection a claim was for is attached here now. If another node claimed the id in
     * between (two CONNECTs racing), the release found nothing to close then: it happens now.
     */
    void attached(String clientId, String username);

    /** A replicated session's subscriptions or expiry changed ({@code state}: the engine's bytes). */
    void stateChanged(String clientId, byte[] state);

    /** A replicated session owes its client this message (queued or in flight), under {@code sequence}. */
    void owed(String clientId, long sequence, byte[] message);

    /**
     * An inbound QoS 2 message was routed and awaits PUBREL under {@code packetId} ({@code awaiting}
     * true), or its PUBREL came (false): the id moves with the session, so a PUBLISH resent to
     * another node after a takeover is acknowledged there without being routed again.
     */
    void inboundQos2(String clientId, int packetId, boolean awaiting);

    /** The message under {@code sequence} is completed, dropped or expired. */
    void settled(String clientId, long sequence);

    /** The session is over (clean start, expiry, or no longer persistent): its copy is dropped. */
    void sessionEnded(String clientId);

    /**
     * The client's connection on this node ended at {@code disconnectedAtMillis} (wall clock) and
     * its will waits for its Will Delay Interval here: should this node die first, the survivor
     * that takes its client id sends it when the rest of the delay is over (unless the client
     * came back meanwhile). {@link #willDone} once it is sent or cancelled here.
     */
    void willDelayed(String clientId, long disconnectedAtMillis);

    /** The client's connection on this node ended: its will was dealt with here, no survivor sends it. */
    void willDone(String clientId);

    /** This node no longer has the client or its session: the ownership is dropped, if still this node's. */
    void left(String clientId);
}

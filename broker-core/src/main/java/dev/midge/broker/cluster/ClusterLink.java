package dev.midge.broker.cluster;

/**
 * The seam between one broker and the cluster it is a node of: what the engine tells the other
 * nodes, and (through {@link ClusterInbox}) how they reach back in. The engine knows nothing of
 * the cluster's engine, transport or security; with no link (the default) none of this runs.
 *
 * <p>Every method except {@link #start} and {@link #close} is called on event loops and must
 * not block: hand work to the link's own threads.
 */
public interface ClusterLink extends AutoCloseable {

    /**
     * Joins the cluster; called once while the broker starts, before its listeners accept
     * clients. May block (joining takes a moment). Throws if the node cannot join.
     */
    void start(ClusterInbox inbox) throws Exception;

    /**
     * A message a local client or the application published, already routed locally: the link
     * sends it to the nodes with matching subscribers and, if retained, shares it as retained.
     */
    void published(ClusterMessage message);

    /**
     * Asked on the thread that just called {@link #published} (the publisher's event loop): true if
     * that message joined a queue to another node that is over its high-water mark. Then
     * {@code resume} runs once, on a link thread, when the queue is down to its low-water mark (or
     * the node is gone), and the caller stops reading from the publisher until then: flow control
     * instead of loss. False (the default), and {@code resume} dropped, when there is nothing to wait for.
     */
    default boolean pauseWhileBacklogged(Runnable resume) {
        return false;
    }

    /**
     * Picks, for a message about to be routed on this node, the node that delivers it to each
     * shared subscription group matching its topic anywhere in the cluster (called on the event
     * loop, before the local delivery). Null (the default, and when no group matches): each node
     * delivers to its own groups' members.
     */
    default ShareAssignment assignShares(String topic) {
        return null;
    }

    /**
     * {@link #published(ClusterMessage)} for a message routed here with {@code shares} (from
     * {@link #assignShares}, not null): the groups picked for other nodes go to them.
     */
    default void published(ClusterMessage message, ShareAssignment shares) {
        published(message);
    }

    /** This node has its first subscription to the filter (its text, {@code $share/...} included). */
    void filterAdded(String filter);

    /**
     * Completes once the other nodes know every filter {@link #filterAdded} was told so far (null
     * or complete if they do): a SUBACK waits for it, so a message published on another node
     * after the client saw its SUBACK reaches it. Must not fail.
     */
    default java.util.concurrent.CompletableFuture<Void> filtersKnown() {
        return null;
    }

    /**
     * Why this node refuses new clients now (a CONNECT is answered Server unavailable), or null
     * while it serves: a node cut off from most of its cluster cannot vouch for a device.
     */
    default String refusesClients() {
        return null;
    }

    /** This node's last subscription to the filter is gone. */
    void filterRemoved(String filter);

    /**
     * Completes once every QoS 1/2 message passed to {@link #published} so far is held by the
     * nodes it went to; fails if one of them left without confirming (then the PUBLISH is not
     * acknowledged). Null (the default) for a link that does not confirm: acknowledgements go at once.
     */
    default java.util.concurrent.CompletableFuture<Void> delivered() {
        return null;
    }

    /** Session ownership and replication across nodes, or null (the default): then each node keeps its own clients. */
    default ClusterSessions sessions() {
        return null;
    }

    @Override
    void close();
}

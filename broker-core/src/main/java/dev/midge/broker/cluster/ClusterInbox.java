package dev.midge.broker.cluster;

/** How another node's messages enter this broker. Implemented by the engine. */
public interface ClusterInbox {

    /**
     * Routes a message another node published to this node's matching subscribers (each
     * subscriber's permissions still decide); not stored as retained and not sent on again.
     */
    void deliver(ClusterMessage message);

    /**
     * Routes a message another node sends to this node's normal subscribers (if {@code normal})
     * and to one member each of the shared groups {@code shareFilters} ({@code $share/G/F}) only:
     * the other groups were picked elsewhere. Returns those of {@code shareFilters} that have no
     * member here (any more), for the link to send elsewhere.
     */
    java.util.Set<String> deliver(ClusterMessage message, boolean normal, java.util.Set<String> shareFilters);

    /** Stores (or, with an empty payload, clears) a retained message another node took in. */
    void retain(ClusterMessage message);
}

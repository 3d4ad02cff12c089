package dev.midge.broker.cluster;

/** How another node's messages enter this broker. Implemented by the engine. */
public interface ClusterInbox {

    /**
     * Routes a message another node published to this node's matching subscribers (each
     * subscriber's permissions still decide); not stored as retained and not sent on again.
     */
    void deliver(ClusterMessage message);

    /** Stores (or, with an empty payload, clears) a retained message another node took in. */
    void retain(ClusterMessage message);
}

package dev.midge.broker.session;

import java.util.List;

/** The live network connection a session is attached to, as the session sees it. */
public interface SessionConnection {

    /** Queues the packets for writing, in order. Safe to call from any thread; never blocks. */
    void send(List<Outbound> packets);

    /**
     * Whether the connection can take more right now. QoS 0 messages for a client that can't
     * are dropped, so a slow reader cannot make the broker buffer without bound; QoS 1 and 2
     * are bounded by the in-flight window and the queue instead.
     */
    default boolean isWritable() {
        return true;
    }
}

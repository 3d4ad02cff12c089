package dev.midge.broker.session;

import java.util.List;

/** Where a session's packets go: the live connection it is attached to, implemented by the transport. */
public interface DeliverySink {

    /**
     * Takes the packets a session just decided to send, while it holds its lock, so that two
     * threads' packets keep the session's order: memory only, never writes or blocks. A
     * connection that does nothing here writes what {@link #send} gets instead.
     */
    default void enqueue(List<Outbound> packets) {
    }

    /**
     * Called after the session's lock is released with the packets also given to
     * {@link #enqueue}: starts writing them. Safe to call from any thread; never blocks.
     */
    void send(List<Outbound> packets);

    /**
     * About how many more bytes the connection takes before it is full (0 when it is). QoS 0
     * messages for a client that can't take more wait in the session's bounded QoS 0 queue
     * until it calls {@link Session#onWritable()}, so a slow reader cannot make the broker
     * buffer without bound; QoS 1 and 2 are bounded by the in-flight window and the queue.
     */
    default long writableBytes() {
        return Long.MAX_VALUE;
    }

    default boolean isWritable() {
        return writableBytes() > 0;
    }

    /**
     * Another connection with the same client id was given the session: the transport closes
     * this one (v5 DISCONNECT Session taken over). Called once, outside every lock.
     */
    default void takenOver() {
    }
}

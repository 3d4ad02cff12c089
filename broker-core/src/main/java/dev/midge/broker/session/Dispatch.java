package dev.midge.broker.session;

import java.util.List;

/**
 * Packets a session decided to send, and the connection they go to. Sessions return this
 * instead of writing, so that no lock is held while writing to a channel; the connection got
 * them already (in order, under the lock) through {@link DeliverySink#enqueue}.
 */
public record Dispatch(DeliverySink connection, List<Outbound> packets) {

    public static final Dispatch NOTHING = new Dispatch(null, List.of());

    public void send() {
        if (connection != null && !packets.isEmpty()) {
            connection.send(packets);
        }
    }
}

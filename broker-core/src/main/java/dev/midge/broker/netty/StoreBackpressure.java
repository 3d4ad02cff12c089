package dev.midge.broker.netty;

import dev.midge.broker.engine.MqttEngine;
import io.netty.channel.Channel;

import java.util.concurrent.RejectedExecutionException;

/**
 * Stops reading from a publishing connection while more changes wait for the persistent
 * store than its writer's bound (publishers outrun the disk), and reads again once the writer
 * has caught up. The event loop never waits: the socket's receive buffer fills instead, and
 * TCP slows the publisher down. One per connection, event loop only.
 */
final class StoreBackpressure {

    private final MqttEngine engine;
    private final ReadGate gate;
    private boolean paused;

    StoreBackpressure(MqttEngine engine, ReadGate gate) {
        this.engine = engine;
        this.gate = gate;
    }

    /** After a PUBLISH was read: pauses reading if the store's writer is behind. */
    void afterPublish(Channel channel) {
        if (paused || !engine.persistent()) {
            return; // without a store nothing to wait for, and no resume action to build per message
        }
        if (engine.pauseWhileStoreBacklogged(() -> resumeLater(channel))) {
            paused = true;
            gate.close(ReadGate.STORE_BACKLOG);
        }
    }

    /** Runs on the writer thread: the read resumes on the channel's own event loop. */
    private void resumeLater(Channel channel) {
        try {
            channel.eventLoop().execute(() -> {
                paused = false;
                gate.open(ReadGate.STORE_BACKLOG);
            });
        } catch (RejectedExecutionException e) {
            // The broker is shutting down; nothing is left to read.
        }
    }
}

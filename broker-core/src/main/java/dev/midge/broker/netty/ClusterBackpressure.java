package dev.midge.broker.netty;

import dev.midge.broker.engine.MqttEngine;
import io.netty.channel.Channel;

import java.util.concurrent.RejectedExecutionException;

/**
 * Stops reading from a publishing connection whose last message joined a queue to another
 * cluster node that is over its high-water mark (that node, or the link to it, is slower than
 * the publishers), and reads again once the queue has drained to its low-water mark or the node
 * has left the cluster. As with the store's backlog, the event loop never waits: the socket's
 * receive buffer fills and TCP slows the publisher down. Publishers whose messages go only to
 * local subscribers or to other nodes are not paused. One per connection, event loop only.
 */
final class ClusterBackpressure {

    private final MqttEngine engine;
    private final ReadGate gate;
    private boolean paused;

    ClusterBackpressure(MqttEngine engine, ReadGate gate) {
        this.engine = engine;
        this.gate = gate;
    }

    /** After a PUBLISH was routed: pauses reading if a node it went to is too far behind. */
    void afterPublish(Channel channel) {
        if (paused || !engine.clustered()) {
            return;
        }
        if (engine.pauseWhileClusterBacklogged(() -> resumeLater(channel))) {
            paused = true;
            gate.close(ReadGate.CLUSTER_BACKLOG);
        }
    }

    /** Runs on a cluster sender thread: the read resumes on the channel's own event loop. */
    private void resumeLater(Channel channel) {
        try {
            channel.eventLoop().execute(() -> {
                paused = false;
                gate.open(ReadGate.CLUSTER_BACKLOG);
            });
        } catch (RejectedExecutionException e) {
            // The broker is shutting down; nothing is left to read.
        }
    }
}

package dev.midge.cluster;

import dev.midge.broker.cluster.ClusterMessage;
import dev.midge.broker.logging.LogSafe;
import org.infinispan.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes retained messages to the replicated cache from a thread of its own (a REPL_SYNC write
 * waits for every node: not on an event loop, and not in front of the node queues). Only the
 * newest message per topic waits to be written, so a topic retained over and over takes one
 * slot, not one per message: memory is bounded by the number of topics, not the publish rate.
 */
final class RetainedWriter {

    private static final Logger LOG = LoggerFactory.getLogger(RetainedWriter.class);

    private final Map<String, ClusterMessage> newest = new ConcurrentHashMap<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "midge-cluster-retained");
        t.setDaemon(true);
        return t;
    });
    private volatile Cache<String, byte[]> cache;
    private volatile MinorityWrites minorityWrites;

    /** {@code minorityWrites}: counts what the minority side of a partition could not share. */
    void start(Cache<String, byte[]> retainedCache, MinorityWrites minorityWrites) {
        this.cache = retainedCache;
        this.minorityWrites = minorityWrites;
    }

    /** On the publisher's event loop. An empty payload clears the topic's retained message. */
    void write(ClusterMessage message) {
        if (newest.put(message.topic(), message) == null) {
            thread.execute(() -> writeNewest(message.topic()));
        }
    }

    private void writeNewest(String topic) {
        ClusterMessage m = newest.remove(topic);
        if (m == null || cache == null) {
            return;
        }
        try {
            // Refused on the minority side: delivered here and to the nodes routed to, but not kept cluster-wide
            // (the merge keeps the majority's retained messages). Not a reason to drop the publisher within its lease.
            minorityWrites.attempt(cache, LOG, () -> "the retained message on " + LogSafe.text(topic),
                    () -> {
                        if (m.payload().length == 0) {
                            cache.remove(topic);
                        } else {
                            cache.put(topic, MessageCodec.encode(m));
                        }
                    });
        } catch (RuntimeException e) {
            LOG.warn("Could not share the retained message of {} with the cluster: {}", topic, e.toString());
        }
    }

    void close() {
        thread.shutdown();
    }
}

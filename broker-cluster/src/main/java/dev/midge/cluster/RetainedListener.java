package dev.midge.cluster;

import dev.midge.broker.cluster.ClusterInbox;
import dev.midge.broker.cluster.ClusterMessage;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryRemoved;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;
import org.infinispan.notifications.cachelistener.event.CacheEntryRemovedEvent;

import java.util.List;

/**
 * Another node's retained message (or its clearing) into this node's retained store. This node's
 * own changes are already in its store: the engine stored them before telling the cluster.
 */
@Listener
public final class RetainedListener {

    private final ClusterInbox inbox;

    RetainedListener(ClusterInbox inbox) {
        this.inbox = inbox;
    }

    @CacheEntryCreated
    @CacheEntryModified
    public void changed(CacheEntryEvent<String, byte[]> event) {
        if (!event.isPre() && !event.isOriginLocal() && event.getValue() != null) {
            inbox.retain(MessageCodec.decode(event.getValue()));
        }
    }

    @CacheEntryRemoved
    public void removed(CacheEntryRemovedEvent<String, byte[]> event) {
        if (!event.isPre() && !event.isOriginLocal()) {
            inbox.retain(new ClusterMessage(event.getKey(), new byte[0], 0, true, null, null, null, null, List.of(),
                    -1, null));
        }
    }
}

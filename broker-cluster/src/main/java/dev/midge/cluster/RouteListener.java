package dev.midge.cluster;

import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryRemoved;
import org.infinispan.notifications.cachelistener.event.CacheEntryModifiedEvent;
import org.infinispan.notifications.cachelistener.event.CacheEntryCreatedEvent;
import org.infinispan.notifications.cachelistener.event.CacheEntryRemovedEvent;

/** Keeps the {@link RouteTable} equal to the replicated routes cache, local and remote changes alike. */
@Listener
public final class RouteListener {

    private final RouteTable table;

    RouteListener(RouteTable table) {
        this.table = table;
    }

    @CacheEntryCreated
    public void created(CacheEntryCreatedEvent<String, String> event) {
        if (!event.isPre()) {
            table.add(event.getKey());
        }
    }

    /**
     * A route put again over an entry this node already holds: after a partition heals, a node
     * re-puts its routes over the copies the merge restored, and they must be in the table again.
     */
    @CacheEntryModified
    public void modified(CacheEntryModifiedEvent<String, String> event) {
        if (!event.isPre()) {
            table.add(event.getKey());
        }
    }

    @CacheEntryRemoved
    public void removed(CacheEntryRemovedEvent<String, String> event) {
        if (!event.isPre()) {
            table.remove(event.getKey());
        }
    }
}

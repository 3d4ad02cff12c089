package dev.midge.broker.engine;

import dev.midge.broker.cluster.ClusterInbox;
import dev.midge.broker.cluster.ClusterLink;
import dev.midge.broker.cluster.ClusterMessage;
import dev.midge.broker.cluster.ShareAssignment;
import dev.midge.broker.message.Message;
import dev.midge.broker.retained.RetainedStore;
import dev.midge.broker.subscription.TopicFilter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's side of a {@link ClusterLink}: counts this node's subscriptions per filter so the
 * cluster hears only of a filter's first and last subscriber, sends local publishes on, and lets
 * other nodes' messages in (delivered here only, never sent on again, so nothing loops).
 */
final class ClusterRouting implements ClusterInbox {

    private final ClusterLink link;
    private final PublishRouter router;
    private final RetainedStore retained;
    private final boolean retainAvailable;
    /** Local subscriptions per filter text; guarded by itself. */
    private final Map<String, Integer> filters = new HashMap<>();

    ClusterRouting(ClusterLink link, PublishRouter router, RetainedStore retained, boolean retainAvailable) {
        this.link = link;
        this.router = router;
        this.retained = retained;
        this.retainAvailable = retainAvailable;
    }

    /** Joins, then announces the filters of the sessions restored before (persistence). */
    void start(List<TopicFilter> restored) throws Exception {
        for (TopicFilter f : restored) {
            count(f.text(), 1);
        }
        link.start(this);
        List<String> announce;
        synchronized (filters) {
            announce = new ArrayList<>(filters.keySet());
        }
        announce.forEach(link::filterAdded);
    }

    void subscribed(TopicFilter filter) {
        if (count(filter.text(), 1) == 1) {
            link.filterAdded(filter.text());
        }
    }

    /** Why the cluster has this node refuse new clients, or null. */
    String refusal() {
        return link.refusesClients();
    }

    /** Null when the other nodes already know every filter of this node. */
    java.util.concurrent.CompletableFuture<Void> filtersKnown() {
        java.util.concurrent.CompletableFuture<Void> known = link.filtersKnown();
        return known == null || known.isDone() ? null : known;
    }

    void unsubscribed(TopicFilter filter) {
        if (count(filter.text(), -1) == 0) {
            link.filterRemoved(filter.text());
        }
    }

    private int count(String filter, int delta) {
        synchronized (filters) {
            Integer n = filters.merge(filter, delta, Integer::sum);
            if (n != null && n <= 0) {
                filters.remove(filter);
                return 0;
            }
            return n == null ? 0 : n;
        }
    }

    /** See {@link ClusterLink#pauseWhileBacklogged}. */
    boolean pauseWhileBacklogged(Runnable resume) {
        return link.pauseWhileBacklogged(resume);
    }

    /** See {@link ClusterLink#delivered}. */
    java.util.concurrent.CompletableFuture<Void> delivered() {
        return link.delivered();
    }

    /** Which node delivers the message to each shared group matching it cluster-wide; null: this node to its own. */
    ShareAssignment assignShares(Message m) {
        return m.topic().startsWith("$SYS/") ? null : link.assignShares(m.topic());
    }

    /** {@code shares}: what {@link #assignShares} gave for the message, or null. */
    void published(Message m, ShareAssignment shares) {
        if (m.topic().startsWith("$SYS/")) {
            return; // each node's own figures ($SYS/broker/...), as each mosquitto has its own
        }
        if (shares == null) {
            link.published(toCluster(m));
        } else {
            link.published(toCluster(m), shares);
        }
    }

    static ClusterMessage toCluster(Message m) {
        Message.ForwardedProperties p = m.properties();
        return new ClusterMessage(m.topic(), m.payload(), m.qos(), m.retain(), p.payloadFormatIndicator(),
                p.contentType(), p.responseTopic(), p.correlationData(), p.userProperties(),
                m.remainingExpirySeconds(System.nanoTime()), m.publisherId());
    }

    @Override
    public void deliver(ClusterMessage message) {
        router.routeFromCluster(toMessage(message));
    }

    @Override
    public Set<String> deliver(ClusterMessage message, boolean normal, Set<String> shareFilters) {
        return router.routeFromCluster(toMessage(message), normal, shareFilters);
    }

    @Override
    public void retain(ClusterMessage message) {
        if (retainAvailable) {
            retained.put(toMessage(message).withRetain(true));
        }
    }

    static Message toMessage(ClusterMessage c) {
        long expiresAt = c.expirySeconds() < 0 ? Message.NEVER : System.nanoTime() + c.expirySeconds() * 1_000_000_000L;
        return new Message(c.topic(), c.payload(), c.qos(), c.retain(),
                new Message.ForwardedProperties(c.payloadFormatIndicator(), c.contentType(), c.responseTopic(),
                        c.correlationData(), c.userProperties()),
                expiresAt, c.publisherId());
    }
}

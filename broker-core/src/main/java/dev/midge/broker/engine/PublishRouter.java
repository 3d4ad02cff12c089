package dev.midge.broker.engine;

import dev.midge.broker.MessageObserver;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.message.Message;
import dev.midge.broker.retained.RetainedStore;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.Session;
import dev.midge.broker.session.SessionRegistry;
import dev.midge.broker.subscription.Subscription;
import dev.midge.broker.subscription.SubscriptionTrie;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Routes an accepted message: stores it if retained, tells the observers, and offers it once
 * to each matching subscriber that may receive it. Overlapping subscriptions of one client
 * give one copy at the highest granted QoS carrying all their subscription identifiers;
 * each shared-group pick is a copy of its own.
 */
public final class PublishRouter {

    private static final Logger LOG = LoggerFactory.getLogger(PublishRouter.class);

    private final SubscriptionTrie trie;
    private final RetainedStore retained;
    private final SessionRegistry sessions;
    private final boolean retainAvailable;
    private final List<MessageObserver> observers = new CopyOnWriteArrayList<>();
    /** Set when this broker is a cluster node: local publishes go on to the other nodes. */
    private volatile ClusterRouting cluster;

    public PublishRouter(SubscriptionTrie trie, RetainedStore retained, SessionRegistry sessions,
                         boolean retainAvailable) {
        this.trie = trie;
        this.retained = retained;
        this.sessions = sessions;
        this.retainAvailable = retainAvailable;
    }

    public void addObserver(MessageObserver observer) {
        observers.add(observer);
    }

    /** Routes a message that has passed the publisher's authorisation check. */
    public void route(Message message, ClientIdentity publisher) {
        if (message.retain() && retainAvailable) {
            retained.put(message);
        }
        notifyObservers(message, publisher);
        deliverLocally(message);
        ClusterRouting c = cluster;
        if (c != null) {
            c.published(message);
        }
    }

    /** Another node's message: to this node's subscribers only (that node stored and observed it). */
    void routeFromCluster(Message message) {
        deliverLocally(message);
    }

    void cluster(ClusterRouting routing) {
        cluster = routing;
    }

    private void deliverLocally(Message message) {
        Map<String, Delivery> perClient = new LinkedHashMap<>();
        List<Map.Entry<String, Delivery>> sharedPicks = new ArrayList<>();
        for (Subscription s : trie.match(message.topic(), sessions::isConnected)) {
            if (s.noLocal() && s.clientId().equals(message.publisherId())) {
                continue;
            }
            Delivery d = deliveryFor(message, s);
            if (s.filter().isShared()) {
                sharedPicks.add(Map.entry(s.clientId(), d));
            } else {
                perClient.merge(s.clientId(), d, PublishRouter::merge);
            }
        }
        perClient.forEach(this::offer);
        sharedPicks.forEach(e -> offer(e.getKey(), e.getValue()));
    }

    static Delivery deliveryFor(Message message, Subscription s) {
        List<Integer> ids = s.subscriptionIdentifier() > 0 ? List.of(s.subscriptionIdentifier()) : List.of();
        // §3.3.1.3: forwarded messages carry RETAIN 0 unless the subscriber asked "retain as published".
        boolean retain = s.retainAsPublished() && message.retain();
        return new Delivery(message, Math.min(message.qos(), s.qos()), retain, ids);
    }

    private static Delivery merge(Delivery a, Delivery b) {
        List<Integer> ids = new ArrayList<>(a.subscriptionIdentifiers());
        ids.addAll(b.subscriptionIdentifiers());
        return new Delivery(a.message(), Math.max(a.qos(), b.qos()), a.retain() || b.retain(), ids);
    }

    private void offer(String clientId, Delivery d) {
        Session session = sessions.get(clientId);
        if (session != null) {
            session.offer(d).send(); // the session asks its owner's authoriser (Session#mayReceive)
        }
    }

    private void notifyObservers(Message message, ClientIdentity publisher) {
        for (MessageObserver o : observers) {
            try {
                o.onMessage(publisher, message.topic(), message.payload().clone(), message.qos(), message.retain());
            } catch (RuntimeException e) {
                LOG.error("A message observer failed on {}", LogSafe.text(message.topic()), e);
            }
        }
    }
}

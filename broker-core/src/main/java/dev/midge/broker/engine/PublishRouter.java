package dev.midge.broker.engine;

import dev.midge.broker.MessageObserver;
import dev.midge.broker.cluster.ShareAssignment;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.message.Message;
import dev.midge.broker.retained.RetainedSource;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Routes an accepted message: stores it if retained, tells the observers, and offers it to each
 * matching subscriber that may receive it. Overlapping subscriptions of an MQTT 5 client give
 * one copy per subscription, each with that subscription's QoS, identifier, no_local and
 * retain-as-published (as mosquitto and EMQX; §3.3.4 allows either); a 3.1.1 client gets one
 * copy at the highest QoS of its matching subscriptions (§3.3.5, and mosquitto 2.0 sends it one
 * copy too); each shared-group pick is a copy of its own.
 */
public final class PublishRouter {

    private static final Logger LOG = LoggerFactory.getLogger(PublishRouter.class);

    /** Subscribers behind hold a publisher back when they are at least one in this many of its message's recipients. */
    static final int FEW = 4;

    private final SubscriptionTrie trie;
    private final RetainedStore retained;
    private final SessionRegistry sessions;
    private final boolean retainAvailable;
    /** mosquitto's upgrade_outgoing_qos: a copy goes at its subscription's QoS, not the publisher's. */
    private final boolean upgradeOutgoingQos;
    private final List<MessageObserver> observers = new CopyOnWriteArrayList<>();
    /** Built once: a method reference is otherwise a new object per routed message. */
    private final Predicate<String> connected;
    /** Set when this broker is a cluster node: local publishes go on to the other nodes. */
    private volatile ClusterRouting cluster;

    public PublishRouter(SubscriptionTrie trie, RetainedStore retained, SessionRegistry sessions,
                         boolean retainAvailable) {
        this(trie, retained, sessions, retainAvailable, false);
    }

    public PublishRouter(SubscriptionTrie trie, RetainedStore retained, SessionRegistry sessions,
                         boolean retainAvailable, boolean upgradeOutgoingQos) {
        this.trie = trie;
        this.retained = retained;
        this.sessions = sessions;
        this.retainAvailable = retainAvailable;
        this.connected = sessions::isConnected;
        this.upgradeOutgoingQos = upgradeOutgoingQos;
    }

    public void addObserver(MessageObserver observer) {
        observers.add(observer);
    }

    /** Routes a message that has passed the publisher's authorisation check. */
    public List<Session> route(Message message, ClientIdentity publisher) {
        return route(message, publisher, null);
    }

    /**
     * The same, the deliveries gathered in {@code batch} (offered at the end of the publisher's
     * read) instead of offered now, when it is not null. Returns the connected subscribers that
     * have fallen behind and ask the publisher to stop being read until one of them catches up
     * ({@link Session#whenCaughtUp}); empty when none, or when they are too few of the message's
     * recipients to hold it back.
     */
    public List<Session> route(Message message, ClientIdentity publisher, DeliveryBatch batch) {
        if (message.retain() && retainAvailable) {
            retained.put(message, RetainedSource.of(publisher));
        }
        // The broker's own $SYS figures are not what an embedder observes messages for.
        if (!observers.isEmpty() && !message.topic().startsWith("$SYS/")) {
            notifyObservers(message, publisher);
        }
        ClusterRouting c = cluster;
        if (c == null) {
            return deliverLocally(message, batch, trie.match(message.topic(), connected));
        }
        ShareAssignment shares = c.assignShares(message);
        List<Session> behind = deliverLocally(message, batch, shares == null ? trie.match(message.topic(), connected)
                : trie.match(message.topic(), connected, true, shares::deliversHere));
        c.published(message, shares);
        return behind;
    }

    /** Another node's message: to this node's subscribers only (that node stored and observed it). */
    void routeFromCluster(Message message) {
        deliverLocally(message, null, trie.match(message.topic(), connected));
    }

    /**
     * Another node's message for this node's normal subscribers (if {@code normal}) and the shared
     * groups {@code groups} only; returns those of the groups without a member here.
     */
    Set<String> routeFromCluster(Message message, boolean normal, Set<String> groups) {
        List<Subscription> matches = trie.match(message.topic(), connected, normal, groups::contains);
        Set<String> missing = Set.of();
        if (!groups.isEmpty()) {
            missing = new HashSet<>(groups);
            for (Subscription s : matches) {
                if (s.filter().isShared()) {
                    missing.remove(s.filter().text());
                }
            }
        }
        deliverLocally(message, null, matches);
        return missing;
    }

    void cluster(ClusterRouting routing) {
        cluster = routing;
    }

    /** Offers to this node's matching subscribers; returns those behind, as {@link #route} does. */
    private List<Session> deliverLocally(Message message, DeliveryBatch batch, List<Subscription> matches) {
        if (matches.size() == 1) {
            // The device workload's case (one backend on /#): no merging, so no maps.
            Subscription s = matches.get(0);
            if (s.noLocal() && s.clientId().equals(message.publisherId())) {
                return List.of();
            }
            List<Session> behind = offer(sessions.get(s.clientId()), deliveryFor(message, s, upgradeOutgoingQos), batch, null);
            return behind == null ? List.of() : behind;
        }
        if (matches.isEmpty()) {
            return List.of();
        }
        // Each subscriber's session is looked up once per message, for its protocol and its offer.
        Map<String, Routed> perClient = new LinkedHashMap<>();
        List<Routed> copies = new ArrayList<>();
        for (Subscription s : matches) {
            if (s.noLocal() && s.clientId().equals(message.publisherId())) {
                continue; // this subscription's copy only: another of the client's may still match
            }
            Delivery d = deliveryFor(message, s, upgradeOutgoingQos);
            Routed known = perClient.get(s.clientId());
            Session session = known != null ? known.session() : sessions.get(s.clientId());
            if (session == null) {
                continue; // gone since it subscribed: nothing to offer to
            }
            // An MQTT 5 client (as of its last connection) gets one copy per subscription.
            if (s.filter().isShared() || session.isV5()) {
                copies.add(new Routed(session, d));
            } else {
                perClient.put(s.clientId(), known == null ? new Routed(session, d)
                        : new Routed(session, merge(known.delivery(), d)));
            }
        }
        List<Session> behind = null;
        for (Routed r : perClient.values()) {
            behind = offer(r.session(), r.delivery(), batch, behind);
        }
        for (Routed r : copies) {
            behind = offer(r.session(), r.delivery(), batch, behind);
        }
        // Flow control only when the subscribers behind are one of few: one slow consumer among
        // many recipients must not slow everyone else down (it meets its queue limit instead).
        return behind != null && behind.size() * FEW >= perClient.size() + copies.size() ? behind : List.of();
    }

    /** A subscriber's session and what it is to be offered. */
    private record Routed(Session session, Delivery delivery) {
    }

    static Delivery deliveryFor(Message message, Subscription s, boolean upgradeOutgoingQos) {
        List<Integer> ids = s.subscriptionIdentifier() > 0 ? List.of(s.subscriptionIdentifier()) : List.of();
        // §3.3.1.3: forwarded messages carry RETAIN 0 unless the subscriber asked "retain as published".
        boolean retain = s.retainAsPublished() && message.retain();
        return new Delivery(message, outgoingQos(message.qos(), s.qos(), upgradeOutgoingQos), retain, ids);
    }

    /** The QoS a subscriber gets: the lower of the two (MQTT), or its subscription's (upgrade_outgoing_qos). */
    static int outgoingQos(int published, int subscribed, boolean upgradeOutgoingQos) {
        return upgradeOutgoingQos ? subscribed : Math.min(published, subscribed);
    }

    private static Delivery merge(Delivery a, Delivery b) {
        List<Integer> ids = new ArrayList<>(a.subscriptionIdentifiers());
        ids.addAll(b.subscriptionIdentifiers());
        return new Delivery(a.message(), Math.max(a.qos(), b.qos()), a.retain() || b.retain(), ids);
    }

    /**
     * Offers to one subscriber (nothing when its session is gone), now or at the end of the read
     * ({@code batch}); adds it to {@code behind} (made when first needed) if it asks publishers to wait.
     */
    private static List<Session> offer(Session session, Delivery d, DeliveryBatch batch, List<Session> behind) {
        if (session != null) {
            // Either way the session asks its owner's authoriser when it takes the message (Session#mayReceive).
            if (batch != null) {
                batch.add(session, d);
            } else {
                session.offer(d).send();
            }
            if (session.asksPublishersToWait()) {
                List<Session> list = behind == null ? new ArrayList<>(2) : behind;
                list.add(session);
                return list;
            }
        }
        return behind;
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

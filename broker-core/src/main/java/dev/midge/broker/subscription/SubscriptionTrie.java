package dev.midge.broker.subscription;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * All subscriptions, indexed by filter level so that matching a topic walks only the branches
 * that can match (no scan over every subscription). Shared subscriptions live in their node
 * as groups; a match picks one member of each matching group, round-robin.
 *
 * <p>Thread-safe: publishers on every event loop match concurrently under the read lock;
 * SUBSCRIBE/UNSUBSCRIBE take the write lock briefly.
 *
 * <p>A device fleet publishes to the same few topics again and again, so the result of a match
 * without shared groups (which pick a member per message) is kept per topic name, up to
 * {@link #CACHED_TOPICS} topics, and forgotten whenever a subscription changes. A result is
 * stored under the read lock it was computed under, and forgotten under the write lock, so a
 * stale one can never be stored after the change that made it stale.
 */
public final class SubscriptionTrie {

    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        final Map<String, Subscription> subscribers = new LinkedHashMap<>();
        final Map<String, SharedGroup> groups = new HashMap<>();

        boolean isEmpty() {
            return children.isEmpty() && subscribers.isEmpty() && groups.isEmpty();
        }
    }

    private static final class SharedGroup {
        /** {@code $share/G/F}: how a cluster names the group when it picks the node that delivers to it. */
        final String text;
        final Map<String, Subscription> members = new LinkedHashMap<>();
        int next;

        SharedGroup(String text) {
            this.text = text;
        }
    }

    /** Enough for a fleet's topics; beyond it, new topics are matched each time (no eviction work per message). */
    static final int CACHED_TOPICS = 4096;

    private final Node root = new Node();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, List<Subscription>> matches = new ConcurrentHashMap<>();

    /** Adds or replaces the client's subscription to this filter; returns true if it is new. */
    public boolean subscribe(Subscription subscription) {
        lock.writeLock().lock();
        try {
            matches.clear();
            Node node = root;
            for (String level : subscription.filter().levels()) {
                node = node.children.computeIfAbsent(level, l -> new Node());
            }
            String group = subscription.filter().shareGroup();
            if (group == null) {
                return node.subscribers.put(subscription.clientId(), subscription) == null;
            }
            return node.groups.computeIfAbsent(group, g -> new SharedGroup(subscription.filter().text()))
                    .members.put(subscription.clientId(), subscription) == null;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes the client's subscription to this filter; returns true if there was one. */
    public boolean unsubscribe(String clientId, TopicFilter filter) {
        lock.writeLock().lock();
        try {
            matches.clear();
            return remove(filter.levels(), clientId, filter.shareGroup());
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Walks down, removes, then prunes the emptied nodes on the way back up. A loop, not
     * recursion: a filter's depth is the client's to choose and must not decide the stack.
     */
    private boolean remove(List<String> levels, String clientId, String group) {
        Node[] path = new Node[levels.size() + 1];
        path[0] = root;
        for (int depth = 0; depth < levels.size(); depth++) {
            path[depth + 1] = path[depth].children.get(levels.get(depth));
            if (path[depth + 1] == null) {
                return false;
            }
        }
        Node node = path[levels.size()];
        boolean removed;
        if (group == null) {
            removed = node.subscribers.remove(clientId) != null;
        } else {
            SharedGroup g = node.groups.get(group);
            removed = g != null && g.members.remove(clientId) != null;
            if (g != null && g.members.isEmpty()) {
                node.groups.remove(group);
            }
        }
        for (int depth = levels.size(); depth > 0 && path[depth].isEmpty(); depth--) {
            path[depth - 1].children.remove(levels.get(depth - 1));
        }
        return removed;
    }

    public List<Subscription> match(String topic) {
        return match(topic, clientId -> true);
    }

    /**
     * Every subscription matching the topic name: all normal ones, and one member per matching
     * shared group, preferring members the predicate accepts (e.g. connected ones). The list
     * may be shared with other callers: read it, do not change it.
     */
    public List<Subscription> match(String topic, Predicate<String> preferredMember) {
        List<Subscription> cached = matches.get(topic);
        if (cached != null) {
            return cached;
        }
        String[] levels = topic.split("/", -1);
        List<Subscription> result = new ArrayList<>();
        lock.readLock().lock();
        try {
            if (!collect(levels, topic.startsWith("$"), result, preferredMember, true, null)
                    && matches.size() < CACHED_TOPICS) {
                result = List.copyOf(result);
                matches.put(topic, result);
            }
        } finally {
            lock.readLock().unlock();
        }
        return result;
    }

    /**
     * The same for a cluster node, restricted to what this node delivers: the normal
     * subscriptions only if {@code normal}, and only the shared groups whose {@code $share/G/F}
     * text {@code groups} accepts (the cluster picks one node per group, MQTT 5 §4.8.2). Groups
     * left out are not picked from, so their round-robin is not disturbed. A topic no group
     * matches gives what {@link #match(String, Predicate)} gives, and shares its cache: another
     * node's messages are most of what a node routes.
     */
    public List<Subscription> match(String topic, Predicate<String> preferredMember, boolean normal,
                                    Predicate<String> groups) {
        List<Subscription> cached = matches.get(topic);
        if (cached != null) { // a cached result has no shared groups
            return normal ? cached : List.of();
        }
        List<Subscription> result = new ArrayList<>();
        lock.readLock().lock();
        try {
            if (!collect(topic.split("/", -1), topic.startsWith("$"), result, preferredMember, normal, groups)
                    && normal && matches.size() < CACHED_TOPICS) {
                result = List.copyOf(result);
                matches.put(topic, result);
            }
        } finally {
            lock.readLock().unlock();
        }
        return result;
    }

    /** A node still to visit and the topic level it is to be matched against. */
    private record Visit(Node node, int depth) {
    }

    /**
     * Depth first with an explicit stack (a topic's depth is the publisher's to choose, so it
     * must not decide the call stack); the exact branch is visited before the '+' branch.
     */
    private boolean collect(String[] levels, boolean systemTopic, List<Subscription> out, Predicate<String> preferred,
                            boolean normal, Predicate<String> groups) {
        boolean shared = false;
        ArrayDeque<Visit> stack = new ArrayDeque<>();
        stack.push(new Visit(root, 0));
        while (!stack.isEmpty()) {
            Visit visit = stack.pop();
            Node node = visit.node();
            int depth = visit.depth();
            // Topics beginning with '$' are not matched by a filter starting with a wildcard (§4.7.2).
            boolean wildcardsAllowed = !(depth == 0 && systemTopic);
            Node hash = wildcardsAllowed ? node.children.get("#") : null;
            if (hash != null) {
                shared |= addAll(hash, out, preferred, normal, groups);
            }
            if (depth == levels.length) {
                shared |= addAll(node, out, preferred, normal, groups);
                continue;
            }
            Node plus = wildcardsAllowed ? node.children.get("+") : null;
            if (plus != null) {
                stack.push(new Visit(plus, depth + 1));
            }
            Node exact = node.children.get(levels[depth]);
            if (exact != null) {
                stack.push(new Visit(exact, depth + 1));
            }
        }
        return shared;
    }

    /** Adds the node's subscriptions (all groups when {@code groups} is null); returns whether it has shared groups. */
    private static boolean addAll(Node node, List<Subscription> out, Predicate<String> preferred, boolean normal,
                                  Predicate<String> groups) {
        if (normal) {
            out.addAll(node.subscribers.values());
        }
        for (SharedGroup group : node.groups.values()) {
            if (groups == null || groups.test(group.text)) {
                out.add(pick(group, preferred));
            }
        }
        return !node.groups.isEmpty();
    }

    private static Subscription pick(SharedGroup group, Predicate<String> preferred) {
        List<Subscription> members = new ArrayList<>(group.members.values());
        synchronized (group) {
            int start = Math.floorMod(group.next, members.size());
            for (int i = 0; i < members.size(); i++) {
                Subscription candidate = members.get((start + i) % members.size());
                if (preferred.test(candidate.clientId())) {
                    group.next = start + i + 1;
                    return candidate;
                }
            }
            group.next = start + 1;
            return members.get(start);
        }
    }
}

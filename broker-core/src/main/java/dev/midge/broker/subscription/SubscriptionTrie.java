package dev.midge.broker.subscription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        final Map<String, Subscription> members = new LinkedHashMap<>();
        int next;
    }

    private final Node root = new Node();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    /** Adds or replaces the client's subscription to this filter; returns true if it is new. */
    public boolean subscribe(Subscription subscription) {
        lock.writeLock().lock();
        try {
            Node node = root;
            for (String level : subscription.filter().levels()) {
                node = node.children.computeIfAbsent(level, l -> new Node());
            }
            String group = subscription.filter().shareGroup();
            if (group == null) {
                return node.subscribers.put(subscription.clientId(), subscription) == null;
            }
            return node.groups.computeIfAbsent(group, g -> new SharedGroup())
                    .members.put(subscription.clientId(), subscription) == null;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes the client's subscription to this filter; returns true if there was one. */
    public boolean unsubscribe(String clientId, TopicFilter filter) {
        lock.writeLock().lock();
        try {
            return remove(root, filter.levels(), 0, clientId, filter.shareGroup());
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static boolean remove(Node node, List<String> levels, int depth, String clientId, String group) {
        if (depth == levels.size()) {
            if (group == null) {
                return node.subscribers.remove(clientId) != null;
            }
            SharedGroup g = node.groups.get(group);
            boolean removed = g != null && g.members.remove(clientId) != null;
            if (g != null && g.members.isEmpty()) {
                node.groups.remove(group);
            }
            return removed;
        }
        Node child = node.children.get(levels.get(depth));
        if (child == null) {
            return false;
        }
        boolean removed = remove(child, levels, depth + 1, clientId, group);
        if (child.isEmpty()) {
            node.children.remove(levels.get(depth));
        }
        return removed;
    }

    public List<Subscription> match(String topic) {
        return match(topic, clientId -> true);
    }

    /**
     * Every subscription matching the topic name: all normal ones, and one member per matching
     * shared group, preferring members the predicate accepts (e.g. connected ones).
     */
    public List<Subscription> match(String topic, Predicate<String> preferredMember) {
        String[] levels = topic.split("/", -1);
        List<Subscription> result = new ArrayList<>();
        lock.readLock().lock();
        try {
            collect(root, levels, 0, topic.startsWith("$"), result, preferredMember);
        } finally {
            lock.readLock().unlock();
        }
        return result;
    }

    private static void collect(Node node, String[] levels, int depth, boolean systemTopic,
                                List<Subscription> out, Predicate<String> preferred) {
        // Topics beginning with '$' are not matched by a filter starting with a wildcard (§4.7.2).
        boolean wildcardsAllowed = !(depth == 0 && systemTopic);
        Node hash = wildcardsAllowed ? node.children.get("#") : null;
        if (hash != null) {
            addAll(hash, out, preferred);
        }
        if (depth == levels.length) {
            addAll(node, out, preferred);
            return;
        }
        Node exact = node.children.get(levels[depth]);
        if (exact != null) {
            collect(exact, levels, depth + 1, systemTopic, out, preferred);
        }
        Node plus = wildcardsAllowed ? node.children.get("+") : null;
        if (plus != null) {
            collect(plus, levels, depth + 1, systemTopic, out, preferred);
        }
    }

    private static void addAll(Node node, List<Subscription> out, Predicate<String> preferred) {
        out.addAll(node.subscribers.values());
        for (SharedGroup group : node.groups.values()) {
            out.add(pick(group, preferred));
        }
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

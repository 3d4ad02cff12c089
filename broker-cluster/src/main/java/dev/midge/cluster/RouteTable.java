package dev.midge.cluster;

import dev.midge.broker.subscription.TopicFilter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Which other nodes have subscribers for which filters: this node's copy of the replicated
 * routes cache, kept by its listener, read by every publish. A node is sent a message when one
 * of its filters matches the topic. Matching scans each node's filters (fine for the few
 * thousand distinct filters of a fleet with per-device topics collapsed by wildcards; a trie per
 * node is the next step if not).
 *
 * <p>Shared subscription groups ({@code $share/G/F}) are kept apart, per group with the nodes that
 * have members: each message goes to one member per group cluster-wide (MQTT 5 §4.8.2), so the
 * publishing node picks one of those nodes per group, round-robin.
 */
final class RouteTable {

    /** The key of one route in the cache: the node, a NUL, the filter (neither contains NUL). */
    static String key(String node, String filter) {
        return node + '\u0000' + filter;
    }

    static String nodeOf(String key) {
        return key.substring(0, key.indexOf('\u0000'));
    }

    static String filterOf(String key) {
        return key.substring(key.indexOf('\u0000') + 1);
    }

    /** One shared group: the filter it matches with, the nodes with members, where the round-robin is. */
    private static final class ShareRoute {
        final String filter;
        final Set<String> nodes = ConcurrentHashMap.newKeySet();
        final AtomicInteger next = new AtomicInteger();

        ShareRoute(String filter) {
            this.filter = filter;
        }
    }

    /** Per node: each normal filter it has subscribers for. */
    private final Map<String, Set<String>> filtersByNode = new ConcurrentHashMap<>();
    /** Per shared group ({@code $share/G/F} as subscribed): its route. */
    private final Map<String, ShareRoute> shares = new ConcurrentHashMap<>();

    void add(String key) {
        String text = filterOf(key);
        TopicFilter parsed = TopicFilter.parse(text);
        if (parsed == null) {
            return;
        }
        String node = nodeOf(key);
        if (parsed.isShared()) {
            shares.compute(text, (t, route) -> {
                ShareRoute r = route == null ? new ShareRoute(parsed.filter()) : route;
                r.nodes.add(node);
                return r;
            });
        } else {
            filtersByNode.computeIfAbsent(node, n -> ConcurrentHashMap.newKeySet()).add(text);
        }
    }

    void remove(String key) {
        String node = nodeOf(key);
        String text = filterOf(key);
        leaveShare(text, node);
        Set<String> filters = filtersByNode.get(node);
        if (filters != null) {
            filters.remove(text);
        }
    }

    void forgetNode(String node) {
        filtersByNode.remove(node);
        shares.keySet().forEach(text -> leaveShare(text, node));
    }

    private void leaveShare(String text, String node) {
        shares.computeIfPresent(text, (t, route) -> route.nodes.remove(node) && route.nodes.isEmpty() ? null : route);
    }

    /** The nodes other than {@code self} with a normal (not shared) filter matching the topic. */
    List<String> nodesFor(String topic, String self) {
        List<String> result = new ArrayList<>(2);
        for (Map.Entry<String, Set<String>> e : filtersByNode.entrySet()) {
            if (e.getKey().equals(self)) {
                continue;
            }
            for (String filter : e.getValue()) {
                if (TopicFilter.matches(filter, topic)) {
                    result.add(e.getKey());
                    break;
                }
            }
        }
        return result;
    }

    /**
     * For each shared group matching the topic, the node that delivers the message to it: the
     * next, round-robin, of the nodes with members that are in {@code view}, this node counted by
     * {@code selfHas} (its own filters, which the table learns of only once replicated). Null
     * when no group known to the table matches: then each node delivers to its own groups.
     */
    Map<String, String> assignShares(String topic, String self, Predicate<String> selfHas, Set<String> view) {
        Map<String, String> picked = null;
        for (Map.Entry<String, ShareRoute> e : shares.entrySet()) {
            ShareRoute route = e.getValue();
            if (!TopicFilter.matches(route.filter, topic)) {
                continue;
            }
            String node = next(route, candidates(route, self, selfHas.test(e.getKey()), view));
            if (node != null) {
                if (picked == null) {
                    picked = new HashMap<>(4);
                }
                picked.put(e.getKey(), node);
            }
        }
        return picked;
    }

    /**
     * Another node with members of the group, for a message whose picked node found none: the
     * next of the nodes in {@code view} other than {@code self}, or null if there is none.
     */
    String redirect(String shareFilter, String self, Set<String> view) {
        ShareRoute route = shares.get(shareFilter);
        return route == null ? null : next(route, candidates(route, self, false, view));
    }

    /** Sorted, so the round-robin runs over the same order on every call. */
    private static List<String> candidates(ShareRoute route, String self, boolean withSelf, Set<String> view) {
        List<String> nodes = new ArrayList<>(route.nodes.size() + 1);
        for (String n : route.nodes) {
            if (!n.equals(self) && view.contains(n)) {
                nodes.add(n);
            }
        }
        if (withSelf) {
            nodes.add(self);
        }
        nodes.sort(null);
        return nodes;
    }

    private static String next(ShareRoute route, List<String> candidates) {
        return candidates.isEmpty() ? null
                : candidates.get(Math.floorMod(route.next.getAndIncrement(), candidates.size()));
    }
}

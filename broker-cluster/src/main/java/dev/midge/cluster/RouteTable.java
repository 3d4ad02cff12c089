package dev.midge.cluster;

import dev.midge.broker.subscription.TopicFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which other nodes have subscribers for which filters: this node's copy of the replicated
 * routes cache, kept by its listener, read by every publish. A node is sent a message when one
 * of its filters matches the topic. Matching scans each node's filters (fine for the few
 * thousand distinct filters of a fleet with per-device topics collapsed by wildcards; a trie per
 * node is the next step if not).
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

    /** Per node: each filter as subscribed ({@code $share/g/...} included) → the filter it matches with. */
    private final Map<String, Map<String, String>> filtersByNode = new ConcurrentHashMap<>();

    void add(String key) {
        TopicFilter parsed = TopicFilter.parse(filterOf(key));
        if (parsed != null) {
            filtersByNode.computeIfAbsent(nodeOf(key), n -> new ConcurrentHashMap<>()).put(filterOf(key), parsed.filter());
        }
    }

    void remove(String key) {
        Map<String, String> filters = filtersByNode.get(nodeOf(key));
        if (filters != null) {
            filters.remove(filterOf(key));
        }
    }

    void forgetNode(String node) {
        filtersByNode.remove(node);
    }

    /** The nodes other than {@code self} with a filter matching the topic. */
    List<String> nodesFor(String topic, String self) {
        List<String> result = new ArrayList<>(2);
        for (Map.Entry<String, Map<String, String>> e : filtersByNode.entrySet()) {
            if (e.getKey().equals(self)) {
                continue;
            }
            for (String filter : e.getValue().values()) {
                if (TopicFilter.matches(filter, topic)) {
                    result.add(e.getKey());
                    break;
                }
            }
        }
        return result;
    }
}

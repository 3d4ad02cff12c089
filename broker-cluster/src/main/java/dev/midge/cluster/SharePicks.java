package dev.midge.cluster;

import dev.midge.broker.cluster.ShareAssignment;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The node {@link RouteTable#assignShares} picked for each shared group a message matches. */
final class SharePicks implements ShareAssignment {

    private final Map<String, String> nodeByGroup;
    private final String self;

    SharePicks(Map<String, String> nodeByGroup, String self) {
        this.nodeByGroup = nodeByGroup;
        this.self = self;
    }

    @Override
    public boolean deliversHere(String shareFilter) {
        String node = nodeByGroup.get(shareFilter);
        return node == null || node.equals(self); // a group the cluster does not know yet is this node's own
    }

    /** The groups picked for each other node. */
    Map<String, Set<String>> byOtherNode() {
        Map<String, Set<String>> result = new HashMap<>(4);
        nodeByGroup.forEach((group, node) -> {
            if (!node.equals(self)) {
                result.computeIfAbsent(node, n -> new HashSet<>(2)).add(group);
            }
        });
        return result;
    }
}

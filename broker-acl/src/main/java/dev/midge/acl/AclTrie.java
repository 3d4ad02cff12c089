package dev.midge.acl;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The ACL filters of one user (or of the pattern rules) as a tree of levels, so a check walks
 * the levels of the topic once instead of scanning every rule: its cost is the topic's depth,
 * not the size of the file. A node remembers the access of the rules that end there.
 *
 * <p>Built once by {@link AclRules.Builder}, then only read: it is published to the event loops
 * through the reloadable's atomic reference and never changed again.
 */
final class AclTrie {

    static final int READ = 1;
    static final int WRITE = 2;
    static final int DENY = 4;

    private static final class Node {
        int rules;
        // Most nodes have one literal child (a device's own path), so it gets a field of its
        // own; a map only where the tree forks. Keeps 100,000 users' rules small.
        String onlyKey;
        Node onlyChild;
        Map<String, Node> children;
        Node plus;
        Node hash;
        Node username;
        Node clientId;

        Node literal(String key) {
            if (onlyChild != null) {
                return onlyKey.equals(key) ? onlyChild : null;
            }
            return children == null ? null : children.get(key);
        }

        Node addLiteral(String key) {
            Node existing = literal(key);
            if (existing != null) {
                return existing;
            }
            Node created = new Node();
            if (onlyChild == null && children == null) {
                onlyKey = key;
                onlyChild = created;
            } else {
                if (children == null) {
                    children = new HashMap<>(4);
                    children.put(onlyKey, onlyChild);
                    onlyKey = null;
                    onlyChild = null;
                }
                children.put(key, created);
            }
            return created;
        }
    }

    private final Node root = new Node();

    /**
     * Adds a rule. With {@code substitute}, a level that is exactly {@code %u} or {@code %c}
     * stands for the client's username or client id (pattern rules); otherwise it is literal.
     */
    void add(String[] levels, int access, boolean substitute, Map<String, String> interned) {
        Node node = root;
        for (String level : levels) {
            if (level.equals("+")) {
                node = node.plus != null ? node.plus : (node.plus = new Node());
            } else if (level.equals("#")) {
                node = node.hash != null ? node.hash : (node.hash = new Node());
            } else if (substitute && level.equals("%u")) {
                node = node.username != null ? node.username : (node.username = new Node());
            } else if (substitute && level.equals("%c")) {
                node = node.clientId != null ? node.clientId : (node.clientId = new Node());
            } else {
                node = node.addLiteral(interned.computeIfAbsent(level, k -> k));
            }
        }
        node.rules |= access;
    }

    /**
     * The access bits of every rule whose filter contains {@code filter}, i.e. matches every
     * topic it could match (mosquitto's sub_matches_acl): ACL {@code +} contains a literal or
     * {@code +} level but not {@code #}; only ACL {@code #} contains {@code #}; a literal ACL
     * level contains only the same literal. A topic name is the filter that matches only
     * itself, so the same walk answers "does a rule match this topic?" for publish and delivery.
     *
     * <p>A filter starting with '$' is contained only by rules whose first level is the same
     * literal (MQTT 5.0 §4.7.2), so {@code #} never grants {@code $SYS}.
     *
     * @param username substituted for {@code %u}, or null to match no {@code %u} level
     * @param clientId substituted for {@code %c}, or null to match no {@code %c} level
     */
    int match(String[] filter, String username, String clientId) {
        boolean dollar = filter[0].startsWith("$");
        int bits = 0;
        // Depth first with an explicit stack: the topic's depth is the client's to choose and
        // must not decide the call stack. Bits are OR-ed, so the visiting order does not matter.
        ArrayDeque<Visit> stack = new ArrayDeque<>();
        stack.push(new Visit(root, 0));
        while (!stack.isEmpty()) {
            Visit visit = stack.pop();
            Node node = visit.node();
            int i = visit.level();
            boolean wildcardsAllowed = i > 0 || !dollar;
            if (node.hash != null && wildcardsAllowed) {
                bits |= node.hash.rules; // '#' contains the rest, the parent level included ("a/#" has "a")
            }
            if (i == filter.length) {
                bits |= node.rules;
                continue;
            }
            String level = filter[i];
            if (level.equals("#")) {
                continue;
            }
            if (level.equals("+")) {
                if (node.plus != null && wildcardsAllowed) {
                    stack.push(new Visit(node.plus, i + 1));
                }
                continue;
            }
            Node literal = node.literal(level);
            if (literal != null) {
                stack.push(new Visit(literal, i + 1));
            }
            if (wildcardsAllowed) {
                if (node.plus != null) {
                    stack.push(new Visit(node.plus, i + 1));
                }
                if (node.username != null && username != null && level.equals(username)) {
                    stack.push(new Visit(node.username, i + 1));
                }
                if (node.clientId != null && clientId != null && level.equals(clientId)) {
                    stack.push(new Visit(node.clientId, i + 1));
                }
            }
        }
        return bits;
    }

    /** A node still to visit and the index of the filter level it is to be matched against. */
    private record Visit(Node node, int level) {
    }
}

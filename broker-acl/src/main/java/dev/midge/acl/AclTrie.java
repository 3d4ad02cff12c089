package dev.midge.acl;

import java.util.Arrays;
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
        // own; a table only where the tree forks. Keeps 100,000 users' rules small.
        String onlyKey;
        Node onlyChild;
        LevelTable<Node> children;
        Node plus;
        Node hash;
        Node username;
        Node clientId;

        /** The literal child for the level {@code topic[start, end)}, found without cutting it out. */
        Node literal(String topic, int start, int end) {
            if (onlyChild != null) {
                return LevelTable.sameLevel(onlyKey, topic, start, end) ? onlyChild : null;
            }
            return children == null ? null : children.get(topic, start, end);
        }

        Node addLiteral(String key) {
            Node existing = literal(key, 0, key.length());
            if (existing != null) {
                return existing;
            }
            Node created = new Node();
            if (onlyChild == null && children == null) {
                onlyKey = key;
                onlyChild = created;
            } else {
                if (children == null) {
                    children = new LevelTable<>();
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
     * <p>Two checks per message at fan-in (the publisher's, then each subscriber's) walk the
     * topic's levels in place, as index ranges: no split, no level strings, and no stack while
     * each node has at most one child to follow (a device's own path, a backend's {@code #}).
     *
     * @param filter   a non-empty topic name or filter
     * @param username substituted for {@code %u}, or null to match no {@code %u} level
     * @param clientId substituted for {@code %c}, or null to match no {@code %c} level
     */
    int match(String filter, String username, String clientId) {
        boolean dollar = filter.charAt(0) == '$';
        int length = filter.length();
        int past = length + 1; // the "level" start after the last level: the filter is used up
        int bits = 0;
        Node node = root;
        int start = 0; // where the current level begins; the first level begins at 0 and no other does
        // Depth first with an explicit stack, made only where the walk forks: the topic's depth
        // is the client's to choose and must not decide the call stack. Bits are OR-ed, so the
        // visiting order does not matter.
        Forks forks = null;
        while (true) {
            boolean wildcardsAllowed = start > 0 || !dollar;
            if (node.hash != null && wildcardsAllowed) {
                bits |= node.hash.rules; // '#' contains the rest, the parent level included ("a/#" has "a")
            }
            Node next = null;
            Node second = null;
            Node third = null;
            Node fourth = null;
            int end = 0;
            if (start == past) {
                bits |= node.rules;
            } else {
                end = filter.indexOf('/', start);
                if (end < 0) {
                    end = length;
                }
                boolean single = end - start == 1;
                if (single && filter.charAt(start) == '#') {
                    // only an ACL '#' contains it, counted above
                } else if (single && filter.charAt(start) == '+') {
                    next = wildcardsAllowed ? node.plus : null;
                } else {
                    next = node.literal(filter, start, end);
                    if (wildcardsAllowed) {
                        second = node.plus;
                        if (node.username != null && username != null
                                && LevelTable.sameLevel(username, filter, start, end)) {
                            third = node.username;
                        }
                        if (node.clientId != null && clientId != null
                                && LevelTable.sameLevel(clientId, filter, start, end)) {
                            fourth = node.clientId;
                        }
                    }
                }
            }
            int after = end + 1; // the next level's start, or past when this was the last
            if (next == null) {
                next = second;
                second = null;
            }
            if (next == null) {
                next = third;
                third = null;
            }
            if (next == null) {
                next = fourth;
                fourth = null;
            }
            if (second != null || third != null || fourth != null) {
                if (forks == null) {
                    forks = new Forks();
                }
                forks.push(second, after);
                forks.push(third, after);
                forks.push(fourth, after);
            }
            if (next != null) {
                node = next;
                start = after;
            } else if (forks != null && forks.top > 0) {
                node = forks.pop();
                start = forks.starts[forks.top];
            } else {
                return bits;
            }
        }
    }

    /** The nodes still to visit where the walk forked, with the start of the level each is matched against. */
    private static final class Forks {
        Node[] nodes = new Node[8];
        int[] starts = new int[8];
        int top;

        void push(Node node, int start) {
            if (node == null) {
                return;
            }
            if (top == nodes.length) {
                nodes = Arrays.copyOf(nodes, top * 2);
                starts = Arrays.copyOf(starts, top * 2);
            }
            nodes[top] = node;
            starts[top++] = start;
        }

        Node pop() {
            return nodes[--top];
        }
    }
}

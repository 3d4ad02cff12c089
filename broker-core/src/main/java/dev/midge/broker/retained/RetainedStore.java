package dev.midge.broker.retained;

import dev.midge.broker.engine.Message;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The last retained message of each topic, in a trie by topic level so that a wildcard
 * SUBSCRIBE visits only the matching branches. Messages are immutable byte arrays, so there
 * is nothing to release on replace, clear or close.
 *
 * <p>Thread-safe: every method is synchronized; none does I/O.
 */
public final class RetainedStore {

    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        Message message;
    }

    private final Node root = new Node();
    private final Consumer<Message> journal;
    private int size;

    public RetainedStore() {
        this(null);
    }

    /**
     * @param journal told of every put (an empty payload clears), under this store's lock so
     *                the journal sees changes to a topic in the order they happened; null for none
     */
    public RetainedStore(Consumer<Message> journal) {
        this.journal = journal;
    }

    /** Stores the message, or clears the topic's retained message if the payload is empty. */
    public synchronized void put(Message message) {
        restore(message);
        if (journal != null) {
            journal.accept(message);
        }
    }

    /** Stores the message without telling the journal: for messages loaded from it. */
    public synchronized void restore(Message message) {
        String[] levels = message.topic().split("/", -1);
        if (message.payload().length == 0) {
            remove(root, levels, 0);
            return;
        }
        Node node = root;
        for (String level : levels) {
            node = node.children.computeIfAbsent(level, l -> new Node());
        }
        if (node.message == null) {
            size++;
        }
        node.message = message.withRetain(true);
    }

    private boolean remove(Node node, String[] levels, int depth) {
        if (depth == levels.length) {
            if (node.message != null) {
                node.message = null;
                size--;
            }
        } else {
            Node child = node.children.get(levels[depth]);
            if (child != null && remove(child, levels, depth + 1)) {
                node.children.remove(levels[depth]);
            }
        }
        return node.message == null && node.children.isEmpty();
    }

    /** The unexpired retained messages whose topic matches the filter (no share prefix). */
    public synchronized List<Message> match(String filter, long nowNanos) {
        List<Message> out = new ArrayList<>();
        collect(root, filter.split("/", -1), 0, out);
        out.removeIf(m -> m.isExpired(nowNanos));
        return out;
    }

    private static void collect(Node node, String[] filter, int depth, List<Message> out) {
        if (depth == filter.length) {
            if (node.message != null) {
                out.add(node.message);
            }
            return;
        }
        String level = filter[depth];
        if (level.equals("#")) {
            // "a/#" also matches "a" itself (§4.7.1.2).
            if (node.message != null && depth > 0) {
                out.add(node.message);
            }
            for (Map.Entry<String, Node> child : node.children.entrySet()) {
                if (!(depth == 0 && child.getKey().startsWith("$"))) {
                    all(child.getValue(), out);
                }
            }
        } else if (level.equals("+")) {
            for (Map.Entry<String, Node> child : node.children.entrySet()) {
                if (!(depth == 0 && child.getKey().startsWith("$"))) {
                    collect(child.getValue(), filter, depth + 1, out);
                }
            }
        } else {
            Node child = node.children.get(level);
            if (child != null) {
                collect(child, filter, depth + 1, out);
            }
        }
    }

    private static void all(Node node, List<Message> out) {
        if (node.message != null) {
            out.add(node.message);
        }
        for (Node child : node.children.values()) {
            all(child, out);
        }
    }

    public synchronized int size() {
        return size;
    }

    public synchronized void clear() {
        root.children.clear();
        root.message = null;
        size = 0;
    }
}

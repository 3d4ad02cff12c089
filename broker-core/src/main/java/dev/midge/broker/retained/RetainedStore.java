package dev.midge.broker.retained;

import dev.midge.broker.message.Message;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

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
        /** Who published it; null for the broker's or the application's own. */
        RetainedSource source;

        boolean isEmpty() {
            return message == null && children.isEmpty();
        }
    }

    private final Node root = new Node();
    private final BiConsumer<Message, RetainedSource> journal;
    private int size;
    /** Payload bytes of the messages held, for {@code $SYS/broker/store/messages/bytes}. */
    private long payloadBytes;

    public RetainedStore() {
        this(null);
    }

    /**
     * @param journal told of every put (an empty payload clears), under this store's lock so
     *                the journal sees changes to a topic in the order they happened; null for none
     */
    public RetainedStore(BiConsumer<Message, RetainedSource> journal) {
        this.journal = journal;
    }

    /** Stores the message, or clears the topic's retained message if the payload is empty. */
    public synchronized void put(Message message) {
        put(message, null);
    }

    /** The same, remembering who published it ({@link RetainedSource}; null for the broker or the application). */
    public synchronized void put(Message message, RetainedSource source) {
        restore(message, source);
        if (journal != null) {
            journal.accept(message, source);
        }
    }

    /** Stores the message without telling the journal: for messages loaded from it. */
    public synchronized void restore(Message message) {
        restore(message, null);
    }

    public synchronized void restore(Message message, RetainedSource source) {
        String[] levels = message.topic().split("/", -1);
        if (message.payload().length == 0) {
            remove(levels);
            return;
        }
        Node node = root;
        for (String level : levels) {
            node = node.children.computeIfAbsent(level, l -> new Node());
        }
        if (node.message == null) {
            size++;
        } else {
            payloadBytes -= node.message.payload().length;
        }
        payloadBytes += message.payload().length;
        node.message = message.withRetain(true);
        node.source = source;
    }

    /**
     * Clears the topic and prunes the nodes left empty. Loops rather than recursion here and
     * below: a topic's depth is the publisher's to choose and must not decide the call stack.
     */
    private void remove(String[] levels) {
        Node[] path = new Node[levels.length + 1];
        path[0] = root;
        for (int depth = 0; depth < levels.length; depth++) {
            path[depth + 1] = path[depth].children.get(levels[depth]);
            if (path[depth + 1] == null) {
                return;
            }
        }
        if (path[levels.length].message != null) {
            payloadBytes -= path[levels.length].message.payload().length;
            path[levels.length].message = null;
            path[levels.length].source = null;
            size--;
        }
        for (int depth = levels.length; depth > 0 && path[depth].isEmpty(); depth--) {
            path[depth - 1].children.remove(levels[depth - 1]);
        }
    }

    /** The unexpired retained messages whose topic matches the filter (no share prefix). */
    public List<Message> match(String filter, long nowNanos) {
        return match(filter, nowNanos, (message, source) -> true);
    }

    /**
     * The same, only those {@code keep} accepts: for {@code check_retain_source}, whether the message's
     * publisher may still write its topic. Asked outside this store's lock (an authoriser is not ours
     * to run under it).
     */
    public List<Message> match(String filter, long nowNanos, BiPredicate<Message, RetainedSource> keep) {
        List<Node> nodes = new ArrayList<>();
        List<Message> messages = new ArrayList<>();
        List<RetainedSource> sources = new ArrayList<>();
        synchronized (this) {
            collect(filter.split("/", -1), nodes);
            for (Node node : nodes) {
                if (!node.message.isExpired(nowNanos)) {
                    messages.add(node.message);
                    sources.add(node.source);
                }
            }
        }
        List<Message> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            if (keep.test(messages.get(i), sources.get(i))) {
                out.add(messages.get(i));
            }
        }
        return out;
    }

    /** A node still to visit and the filter level it is to be matched against. */
    private record Visit(Node node, int depth) {
    }

    private void collect(String[] filter, List<Node> out) {
        ArrayDeque<Visit> stack = new ArrayDeque<>();
        stack.push(new Visit(root, 0));
        while (!stack.isEmpty()) {
            Visit visit = stack.pop();
            Node node = visit.node();
            int depth = visit.depth();
            if (depth == filter.length) {
                if (node.message != null) {
                    out.add(node);
                }
                continue;
            }
            String level = filter[depth];
            if (level.equals("#")) {
                // "a/#" also matches "a" itself (§4.7.1.2).
                if (node.message != null && depth > 0) {
                    out.add(node);
                }
                for (Map.Entry<String, Node> child : node.children.entrySet()) {
                    if (!(depth == 0 && child.getKey().startsWith("$"))) {
                        all(child.getValue(), out);
                    }
                }
            } else if (level.equals("+")) {
                for (Map.Entry<String, Node> child : node.children.entrySet()) {
                    if (!(depth == 0 && child.getKey().startsWith("$"))) {
                        stack.push(new Visit(child.getValue(), depth + 1));
                    }
                }
            } else {
                Node child = node.children.get(level);
                if (child != null) {
                    stack.push(new Visit(child, depth + 1));
                }
            }
        }
    }

    /** Every message in the subtree. */
    private static void all(Node subtree, List<Node> out) {
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(subtree);
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            if (node.message != null) {
                out.add(node);
            }
            node.children.values().forEach(stack::push);
        }
    }

    public synchronized int size() {
        return size;
    }

    public synchronized long payloadBytes() {
        return payloadBytes;
    }

    public synchronized void clear() {
        root.children.clear();
        root.message = null;
        root.source = null;
        size = 0;
        payloadBytes = 0;
    }
}

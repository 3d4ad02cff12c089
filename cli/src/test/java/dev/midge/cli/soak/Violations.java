package dev.midge.cli.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the soak saw that the broker promises cannot happen, by kind: all of them are
 * counted, the first few of each kind are kept with their details for the failure message.
 */
final class Violations {

    private static final int EXAMPLES_PER_KIND = 5;

    private final Map<String, List<String>> examples = new TreeMap<>();
    private final Map<String, Integer> counts = new TreeMap<>();

    synchronized void add(String kind, String detail) {
        counts.merge(kind, 1, Integer::sum);
        List<String> kept = examples.computeIfAbsent(kind, k -> new ArrayList<>());
        if (kept.size() < EXAMPLES_PER_KIND) {
            kept.add(detail);
        }
    }

    synchronized boolean isEmpty() {
        return counts.isEmpty();
    }

    @Override
    public synchronized String toString() {
        if (counts.isEmpty()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        counts.forEach((kind, count) -> {
            text.append("\n  ").append(count).append(" x ").append(kind);
            for (String detail : examples.get(kind)) {
                text.append("\n      e.g. ").append(detail);
            }
        });
        return text.toString();
    }
}

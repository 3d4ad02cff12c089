package dev.midge.cli.soak;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts of named events (connects, refusals, disconnect reasons, ...), safe from any thread. */
final class Tally {

    private final ConcurrentMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    void add(String what) {
        counts.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    long get(String what) {
        LongAdder count = counts.get(what);
        return count == null ? 0 : count.sum();
    }

    /** Sorted by name, for the report. */
    Map<String, Long> snapshot() {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((what, count) -> sorted.put(what, count.sum()));
        return sorted;
    }
}

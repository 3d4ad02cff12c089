package dev.midge.bench.sidebyside;

import java.util.Map;
import java.util.TreeMap;

/**
 * The broker's CPU over a window split by thread kind (/proc/PID/task/TID/stat of every process
 * of the broker): Midge's event loops, the JIT compilers, the garbage collector and the rest. Says
 * where a per-message cost is spent without a profiler, and stays valid on a busy machine because
 * it counts CPU, not time.
 */
final class ThreadCpu {

    private final BrokerProcess broker;
    private Map<String, Double> start = Map.of();
    private Map<String, Double> end = Map.of();

    ThreadCpu(BrokerProcess broker) {
        this.broker = broker;
    }

    void start() {
        start = read();
    }

    void end() {
        end = read();
    }

    /** "event loops 12.1, JIT 0.4, GC 0.8, ..." in µs per operation; empty for a broker of one thread kind. */
    String microsEach(double operations) {
        if (operations <= 0) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (var e : end.entrySet()) {
            double micros = (e.getValue() - start.getOrDefault(e.getKey(), 0.0)) * 1000.0 / operations;
            if (micros >= 0.05) {
                text.append(text.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                        .append(String.format("%.1f", micros));
            }
        }
        return text.toString();
    }

    private Map<String, Double> read() {
        Map<String, Double> millis = new TreeMap<>();
        broker.forEachThread((process, name, ms) -> {
            boolean launcher = process.pid() == broker.pid() && process.descendants().findAny().isPresent();
            millis.merge(launcher ? "launcher" : kind(name), ms, Double::sum);
        });
        return millis;
    }

    /** Thread names as the JVM and Midge give them (the kernel keeps the first 15 characters). */
    private static String kind(String name) {
        if (name.startsWith("midge-io")) {
            return "event loops";
        }
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            return "JIT";
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
            return "GC+VM";
        }
        if (name.startsWith("midge-")) {
            return name.replaceAll("-\\d+(-\\d+)?$", "");
        }
        return "other";
    }
}

package dev.midge.broker.sys;

import dev.midge.broker.counters.BrokerCounters.Totals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * mosquitto's {@code $SYS/broker/load/...}: for each running total, the rate per minute over the
 * last interval, smoothed as a 1, 5 and 15 minute exponentially weighted average (sys_tree.c's
 * calc_load: {@code load = rate + e^(-dt/window) * (load - rate)}). Used by one thread (the timer).
 */
final class LoadAverages {

    private static final int[] WINDOWS_MINUTES = {1, 5, 15};

    private static final Map<String, ToLongFunction<Totals>> SERIES = new LinkedHashMap<>();

    static {
        SERIES.put("messages/received", Totals::packetsReceived);
        SERIES.put("messages/sent", Totals::packetsSent);
        SERIES.put("publish/dropped", Totals::publishDropped);
        SERIES.put("publish/received", Totals::publishReceived);
        SERIES.put("publish/sent", Totals::publishSent);
        SERIES.put("bytes/received", Totals::bytesReceived);
        SERIES.put("bytes/sent", Totals::bytesSent);
        SERIES.put("sockets", Totals::sockets);
        SERIES.put("connections", Totals::connects);
    }

    private final Map<String, double[]> loads = new LinkedHashMap<>();
    private Totals last;
    private long lastNanos;

    /** Takes the totals now; returns topic → value for every load topic. */
    Map<String, Double> update(Totals now, long nowNanos) {
        Map<String, Double> out = new LinkedHashMap<>();
        double seconds = last == null ? 0 : (nowNanos - lastNanos) / 1e9;
        SERIES.forEach((name, total) -> {
            double[] load = loads.computeIfAbsent(name, n -> new double[WINDOWS_MINUTES.length]);
            for (int i = 0; i < WINDOWS_MINUTES.length; i++) {
                if (seconds > 0) {
                    double perMinute = (total.applyAsLong(now) - total.applyAsLong(last)) * 60.0 / seconds;
                    double decay = Math.exp(-seconds / (60.0 * WINDOWS_MINUTES[i]));
                    load[i] = perMinute + decay * (load[i] - perMinute);
                }
                out.put("$SYS/broker/load/" + name + "/" + WINDOWS_MINUTES[i] + "min", load[i]);
            }
        });
        last = now;
        lastNanos = nowNanos;
        return out;
    }
}

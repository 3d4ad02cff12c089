package dev.midge.broker;

import dev.midge.broker.metrics.FigureSource;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What the broker tells about itself: mosquitto's {@code $SYS} topics and Midge's metrics endpoint.
 *
 * @param sysIntervalSeconds mosquitto's {@code sys_interval}: seconds between updates of the retained
 *                           {@code $SYS/broker/...} topics (default 10); 0 publishes none
 * @param metricsListener    where {@code /metrics} (Prometheus text format) and {@code /health} are served
 *                           over plain HTTP, or null for none (the default)
 * @param figureSources      figures of other modules (TLS, CA), under {@code $SYS/broker/midge/} and in
 *                           {@code /metrics}
 */
public record SysOptions(int sysIntervalSeconds, InetSocketAddress metricsListener, List<FigureSource> figureSources) {

    /** mosquitto's default {@code sys_interval}. */
    public static final int DEFAULT_SYS_INTERVAL = 10;

    public static final SysOptions DEFAULT = new SysOptions(DEFAULT_SYS_INTERVAL, null, List.of());

    public SysOptions {
        if (sysIntervalSeconds < 0) {
            throw new IllegalArgumentException("sys_interval must be 0 (off) or more seconds, not " + sysIntervalSeconds);
        }
        figureSources = List.copyOf(figureSources);
    }

    public SysOptions withSysInterval(int seconds) {
        return new SysOptions(seconds, metricsListener, figureSources);
    }

    /** Serve {@code /metrics} and {@code /health} here; null for none. */
    public SysOptions withMetricsListener(InetSocketAddress address) {
        return new SysOptions(sysIntervalSeconds, address, figureSources);
    }

    public SysOptions withFigureSource(FigureSource source) {
        List<FigureSource> all = new java.util.ArrayList<>(figureSources);
        all.add(source);
        return new SysOptions(sysIntervalSeconds, metricsListener, all);
    }
}

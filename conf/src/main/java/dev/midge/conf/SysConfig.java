package dev.midge.conf;

/**
 * What the broker tells about itself.
 *
 * @param sysInterval    {@code sys_interval}: seconds between updates of the {@code $SYS/broker/...}
 *                       topics (default 10, as mosquitto); 0 publishes none
 * @param metricsHost    Midge option {@code midge_metrics_listener [ADDRESS:]PORT}: the address {@code /metrics}
 *                       and {@code /health} are served on over HTTP (a host name or IP literal, resolved at
 *                       start; 127.0.0.1 when only a port is given), or null for none (default)
 * @param metricsPort    its port, 0 when off
 */
public record SysConfig(int sysInterval, String metricsHost, int metricsPort) {

    public static final SysConfig DEFAULT = new SysConfig(10, null, 0);
}

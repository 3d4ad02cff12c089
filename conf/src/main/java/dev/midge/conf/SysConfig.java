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

    /**
     * With the metrics listener {@code value} ({@code midge_metrics_listener}, {@code run --metrics-listener}):
     * {@code PORT} (127.0.0.1: metrics tell a lot about the fleet, so the network is opted into),
     * {@code ADDRESS:PORT}, or {@code [IPv6]:PORT}.
     *
     * @throws IllegalArgumentException what is wrong with it, for people
     */
    public SysConfig withMetricsListener(String value) {
        String host;
        String port;
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            host = "127.0.0.1";
            port = value;
        } else {
            host = value.substring(0, colon);
            port = value.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new IllegalArgumentException("'" + value + "': write an IPv6 address in brackets, e.g. [::1]:9100");
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("'" + value
                        + "' names no address; give ADDRESS:PORT, or only PORT for 127.0.0.1");
            }
        }
        int n;
        try {
            n = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 65535) {
            throw new IllegalArgumentException("'" + value + "' is not a valid midge_metrics_listener; use PORT (1-65535)"
                    + " for 127.0.0.1, or ADDRESS:PORT, e.g. 0.0.0.0:9100");
        }
        return new SysConfig(sysInterval, host, n);
    }
}

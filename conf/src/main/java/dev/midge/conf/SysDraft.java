package dev.midge.conf;

import java.util.Set;

/** {@code sys_interval} and {@code midge_metrics_listener}, into {@link SysConfig}. */
final class SysDraft {

    static final Set<String> NAMES = Set.of("sys_interval", "midge_metrics_listener");

    private int sysInterval = SysConfig.DEFAULT.sysInterval();
    private final Setting<String> metricsHost = new Setting<>();
    private int metricsPort;

    void apply(ConfLine line) {
        switch (line.option()) {
            // mosquitto refuses less than 0 or more than 65535 ("Invalid sys_interval value").
            case "sys_interval" -> sysInterval = Values.integer(line, 0, 65535);
            case "midge_metrics_listener" -> metricsListener(line);
            default -> throw new IllegalArgumentException(line.option());
        }
    }

    /**
     * {@code PORT} (loopback: metrics tell a lot about the fleet, so the network is opted into),
     * {@code ADDRESS:PORT}, or {@code [IPv6]:PORT}.
     */
    private void metricsListener(ConfLine line) {
        String value = Values.word(line);
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
                throw line.error("'" + value + "': write an IPv6 address in brackets, e.g. [::1]:9100");
            }
            if (host.isEmpty()) {
                throw line.error("'" + value + "' names no address; give ADDRESS:PORT, or only PORT for 127.0.0.1");
            }
        }
        int n;
        try {
            n = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 65535) {
            throw line.error("'" + value + "' is not a valid midge_metrics_listener; use PORT (1-65535) for "
                    + "127.0.0.1, or ADDRESS:PORT, e.g. 0.0.0.0:9100");
        }
        metricsHost.set(line, host);
        metricsPort = n;
    }

    SysConfig build() {
        return new SysConfig(sysInterval, metricsHost.get(), metricsPort);
    }
}

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

    private void metricsListener(ConfLine line) {
        SysConfig parsed;
        try {
            parsed = SysConfig.DEFAULT.withMetricsListener(Values.word(line));
        } catch (IllegalArgumentException e) {
            throw line.error(e.getMessage());
        }
        metricsHost.set(line, parsed.metricsHost());
        metricsPort = parsed.metricsPort();
    }

    SysConfig build() {
        return new SysConfig(sysInterval, metricsHost.get(), metricsPort);
    }
}

package dev.midge.conf;

import java.util.List;

/**
 * The result of reading a mosquitto.conf: the configuration, and what was accepted but will
 * not be acted on (log each warning once at start-up).
 */
public record ParsedConf(BrokerConfig config, List<ConfigWarning> warnings) {

    public ParsedConf {
        warnings = List.copyOf(warnings);
    }
}

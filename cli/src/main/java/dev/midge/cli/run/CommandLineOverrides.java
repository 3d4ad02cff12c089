package dev.midge.cli.run;

import dev.midge.conf.BrokerConfig;
import dev.midge.conf.ListenerConfig;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

/**
 * What {@code run}'s options change in a parsed conf, with mosquitto 2.0's precedence:
 * {@code -v} is {@code log_type all} whatever the conf says; {@code --pid-file} replaces
 * {@code pid_file}; {@code --bind} binds every listener to one address. ({@code -p} only
 * matters in local-only mode; {@link BrokerAssembly} takes its ports.)
 */
public final class CommandLineOverrides {

    private CommandLineOverrides() {
    }

    /**
     * @param verbose -v
     * @param pidFile --pid-file, or null to keep the conf's
     * @param bind    --bind, or null to keep each listener's own
     */
    public static BrokerConfig apply(BrokerConfig c, boolean verbose, Path pidFile, String bind) {
        List<ListenerConfig> listeners = bind == null ? c.listeners()
                : c.listeners().stream().map(l -> l.withBindAddress(bind)).toList();
        return c.withOverrides(listeners, verbose ? EnumSet.allOf(BrokerConfig.LogType.class) : c.logTypes(),
                pidFile != null ? pidFile : c.pidFile());
    }
}

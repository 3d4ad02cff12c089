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
        List<ListenerConfig> listeners = bind == null ? c.listeners() : c.listeners().stream()
                .map(l -> new ListenerConfig(l.port(), bind, l.protocol(), null, l.maxConnections(),
                        l.maxTopicAlias(), l.tls(), l.security(), l.declaredAt()))
                .toList();
        return new BrokerConfig(c.source(), listeners, c.localOnly(), c.perListenerSettings(), c.security(),
                c.messageSizeLimit(), c.maxInflightMessages(), c.maxQueuedMessages(), c.maxQueuedBytes(),
                c.maxKeepalive(), c.retainAvailable(), c.persistence(), c.persistenceLocation(), c.autosaveInterval(),
                verbose ? EnumSet.allOf(BrokerConfig.LogType.class) : c.logTypes(), c.logDestinations(), c.logFile(),
                c.user(), pidFile != null ? pidFile : c.pidFile(), c.enrollmentPort());
    }
}

package dev.midge.cli.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Every way to make a running broker reload on demand: SIGHUP, as for mosquitto, and the reload
 * request next to the pid file for when SIGHUP cannot work. A broker that cannot receive SIGHUP
 * says so at start-up, rather than letting {@code kill -HUP} do nothing in silence.
 */
public final class ReloadTriggers {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadTriggers.class);

    private ReloadTriggers() {
    }

    /** @param pidFile the broker's pid file, or null when it has none */
    public static void install(RunningBroker running, Path pidFile) {
        if (pidFile != null) {
            running.closeWithBroker(ReloadRequest.watch(pidFile, running::reloadAll));
        }
        if (HangupSignal.onHangup(running::reloadAll) == HangupSignal.Outcome.IGNORED_BY_PARENT) {
            LOG.warn("Warning: SIGHUP is ignored by this process (started under nohup, or by a supervisor that"
                    + " ignores it), and a JVM cannot undo that: kill -HUP will not reload. Changed files are still"
                    + " re-read by themselves; to reload on demand, run: java -jar broker.jar reload --pid-file {}",
                    pidFile != null ? pidFile : "FILE (start the broker with --pid-file FILE)");
        }
    }
}

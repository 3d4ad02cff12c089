package dev.midge.cli.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP reloads everything that is reloadable, as it does for mosquitto. Midge also reloads by
 * itself when files change; the signal is for the scripts people already have.
 */
public final class HangupSignal {

    private static final Logger LOG = LoggerFactory.getLogger(HangupSignal.class);

    /** What installing the handler came to. */
    public enum Outcome {
        INSTALLED,
        /**
         * The process was started with SIGHUP ignored (nohup, some supervisors): the JVM then
         * keeps it ignored and never calls our handler, so {@code kill -HUP} does nothing.
         */
        IGNORED_BY_PARENT,
        /** No SIGHUP on this platform (Windows). */
        UNSUPPORTED
    }

    private HangupSignal() {
    }

    @SuppressWarnings("restriction")
    public static Outcome onHangup(Runnable reload) {
        try {
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                LOG.info("Received SIGHUP: reloading.");
                // Off the signal thread: reloading reads files and may take a moment.
                Thread t = new Thread(reload, "midge-sighup-reload");
                t.setDaemon(true);
                t.start();
            });
            // HotSpot refuses to handle a signal the parent ignored and reports the old SIG_IGN.
            return previous == sun.misc.SignalHandler.SIG_IGN ? Outcome.IGNORED_BY_PARENT : Outcome.INSTALLED;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return Outcome.UNSUPPORTED;
        }
    }
}

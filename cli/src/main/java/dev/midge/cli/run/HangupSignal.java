package dev.midge.cli.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP reloads everything that is reloadable, as it does for mosquitto. Midge also reloads by
 * itself when files change; the signal is for the scripts people already have.
 */
public final class HangupSignal {

    private static final Logger LOG = LoggerFactory.getLogger(HangupSignal.class);

    private HangupSignal() {
    }

    /** Installs the handler; returns false where the platform has no SIGHUP (Windows). */
    @SuppressWarnings("restriction")
    public static boolean onHangup(Runnable reload) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                LOG.info("Received SIGHUP: reloading.");
                // Off the signal thread: reloading reads files and may take a moment.
                Thread t = new Thread(reload, "midge-sighup-reload");
                t.setDaemon(true);
                t.start();
            });
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return false;
        }
    }
}

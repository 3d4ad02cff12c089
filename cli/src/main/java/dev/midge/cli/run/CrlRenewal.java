package dev.midge.cli.run;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.crl.CrlRenewer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The running broker keeps its own CRL fresh: a device must never be refused because nobody
 * ran {@code crl update} in time. Checked hourly; the renewer reissues well before nextUpdate.
 */
final class CrlRenewal {

    private static final Logger LOG = LoggerFactory.getLogger(CrlRenewal.class);

    private CrlRenewal() {
    }

    /** Starts the hourly check (the first one now); closing it stops the thread. */
    static AutoCloseable schedule(Path dataDirectory) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "midge-crl-renewal");
            t.setDaemon(true);
            return t;
        });
        CrlRenewer renewer = DataDirectory.crlRenewer(dataDirectory);
        executor.scheduleWithFixedDelay(() -> {
            try {
                if (renewer.renewIfDue()) {
                    LOG.info("Renewed the CRL of {}.", dataDirectory);
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("Could not renew the CRL of {}: {}", dataDirectory, e.getMessage());
            }
        }, 0, 1, TimeUnit.HOURS);
        return executor::shutdownNow;
    }
}

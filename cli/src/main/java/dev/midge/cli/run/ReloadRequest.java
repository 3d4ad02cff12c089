package dev.midge.cli.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A reload trigger that needs no signal: {@code broker.jar reload --pid-file F} creates
 * {@code F.reload}; the broker sees it within a quarter of a second, deletes it (that is the
 * answer the command waits for) and reloads. For brokers whose SIGHUP is ignored (nohup,
 * supervisors) and for platforms without signals.
 */
public final class ReloadRequest implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadRequest.class);
    private static final long POLL_MILLIS = 250;

    private final ScheduledExecutorService poller;

    private ReloadRequest(ScheduledExecutorService poller) {
        this.poller = poller;
    }

    /** The file {@code reload} creates for the broker whose pid file is {@code pidFile}. */
    public static Path fileFor(Path pidFile) {
        return pidFile.resolveSibling(pidFile.getFileName() + ".reload");
    }

    public static ReloadRequest watch(Path pidFile, Runnable reload) {
        Path request = fileFor(pidFile);
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "midge-reload-request");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(() -> {
            try {
                if (Files.deleteIfExists(request)) {
                    LOG.info("Reload requested through {}: reloading.", request);
                    reload.run();
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("Cannot take the reload request {}: {}", request, e.getMessage());
            }
        }, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        return new ReloadRequest(poller);
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}

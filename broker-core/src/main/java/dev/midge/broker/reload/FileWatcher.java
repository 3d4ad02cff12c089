package dev.midge.broker.reload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reloads the files behind {@link Reloadable}s when they change: a poll compares each file's
 * stamp, and inotify only says when to poll.
 *
 * <p>The poll decides, not WatchService events: a stamp sees in-place writes, atomic renames and
 * symlink swaps (how Kubernetes updates mounted secrets) alike, costs a few stat calls per
 * interval, and runs on its own thread so the event loops never touch the disk. A
 * {@link DirectoryWakeup} (a WatchService on the watched files' directories) runs a poll shortly
 * after one of them changes, so a revoke takes effect in milliseconds rather than at the next
 * interval, and {@link #checkNow} lets a writer that knows it changed a file say so.
 */
public final class FileWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);

    /** What identifies one version of a file: a rename changes the key, a write the time or size. */
    private record Stamp(boolean exists, Object fileKey, long modifiedNanos, long size) {
        static Stamp of(Path path) {
            try {
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
                return new Stamp(true, a.fileKey(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size());
            } catch (NoSuchFileException e) {
                return new Stamp(false, null, 0, 0);
            } catch (IOException e) {
                return new Stamp(false, e.getClass(), 0, 0);
            }
        }
    }

    private static final class Watched {
        final Reloadable<?> reloadable;
        List<Stamp> stamps;

        Watched(Reloadable<?> reloadable) {
            this.reloadable = reloadable;
            this.stamps = stamps();
        }

        List<Stamp> stamps() {
            List<Stamp> result = new ArrayList<>();
            for (Path file : reloadable.files()) {
                result.add(Stamp.of(file));
            }
            return result;
        }
    }

    /** How long a wake-up by a directory change waits for the write that caused it to finish. */
    static final Duration SETTLE = Duration.ofMillis(100);

    private final List<Watched> watched = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService executor;
    /** A poll is queued and has not started: further wake-ups fold into it. */
    private final java.util.concurrent.atomic.AtomicBoolean pollQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile DirectoryWakeup wakeup;
    private volatile boolean closed;

    public FileWatcher(Duration pollInterval) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "midge-file-watcher");
            t.setDaemon(true);
            return t;
        });
        long millis = pollInterval.toMillis();
        executor.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** A watcher that polls every 250 ms, so a change is in force well within a second. */
    public static FileWatcher start() {
        return new FileWatcher(Duration.ofMillis(250));
    }

    public void watch(Reloadable<?> reloadable) {
        watched.add(new Watched(Objects.requireNonNull(reloadable)));
        DirectoryWakeup w = wakeup();
        if (w != null) {
            reloadable.files().forEach(w::watchDirectoryOf);
        }
    }

    private synchronized DirectoryWakeup wakeup() {
        if (wakeup == null && !closed) {
            wakeup = DirectoryWakeup.start(this::checkSoon);
        }
        return wakeup;
    }

    /**
     * Looks at the watched files now instead of at the next poll (on the watcher's thread; returns
     * at once). For a writer that knows it just changed one, e.g. the cluster writing a CRL it received.
     */
    public void checkNow() {
        pollAfter(0);
    }

    /**
     * A directory of a watched file changed: look once the writer has had {@link #SETTLE} to
     * finish. inotify reports the first event of a write, and an editor or {@code Files.writeString}
     * truncates the file before it writes the new text: read at once, an empty ACL would be in force
     * (a valid file that denies everything) until the next event. The poll has the same window in
     * principle, but lands in it far less often than a wake-up timed by the write itself.
     */
    private void checkSoon() {
        pollAfter(SETTLE.toMillis());
    }

    /** One poll on the watcher's thread after this delay; requests made before it starts fold into it. */
    private void pollAfter(long millis) {
        if (pollQueued.compareAndSet(false, true)) {
            try {
                executor.schedule(() -> {
                    pollQueued.set(false);
                    poll();
                }, millis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                pollQueued.set(false); // closed
            }
        }
    }

    /** Reloads everything now, changed or not (SIGHUP). Returns once done. */
    public void reloadAll() {
        try {
            executor.submit(() -> {
                for (Watched w : watched) {
                    w.stamps = w.stamps();
                    w.reloadable.reload();
                }
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.error("Reloading failed", e.getCause());
        }
    }

    private void poll() {
        for (Watched w : watched) {
            try {
                // Stamp before reading: a write that lands during the read changes the stamp
                // again, so the next poll reads the finished file.
                List<Stamp> now = w.stamps();
                if (!now.equals(w.stamps)) {
                    w.stamps = now;
                    w.reloadable.reload();
                }
            } catch (RuntimeException e) {
                LOG.error("Watching {} failed", w.reloadable.what(), e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (wakeup != null) {
                wakeup.close();
            }
        }
        executor.shutdownNow();
    }
}

package dev.midge.broker.reload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes the {@link FileWatcher} as soon as something changes in a directory of a watched file
 * (inotify on Linux), so a revoked device is cut off in milliseconds rather than at the next
 * poll. Only a hint: the poll still decides what changed, and stays the whole mechanism where
 * the platform has no watch service or its limit of watches is reached.
 */
final class DirectoryWakeup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWakeup.class);

    private final WatchService service;
    private final Set<Path> directories = ConcurrentHashMap.newKeySet();

    private DirectoryWakeup(WatchService service, Runnable onChange) {
        this.service = service;
        Thread thread = new Thread(() -> run(onChange), "midge-file-wakeup");
        thread.setDaemon(true);
        thread.start();
    }

    /** Null when the platform offers no watch service (polling alone then). */
    static DirectoryWakeup start(Runnable onChange) {
        try {
            return new DirectoryWakeup(FileSystems.getDefault().newWatchService(), onChange);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("No directory watch service ({}); changed files are found by polling alone", e.toString());
            return null;
        }
    }

    /** Watches the directory holding {@code file} (once per directory). */
    void watchDirectoryOf(Path file) {
        if (file.getFileSystem() != FileSystems.getDefault()) {
            return;
        }
        Path directory = file.toAbsolutePath().getParent();
        if (directory == null || !directories.add(directory)) {
            return;
        }
        try {
            directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Not watching {} ({}); its files are found by polling alone", directory, e.toString());
        }
    }

    private void run(Runnable onChange) {
        try {
            while (true) {
                WatchKey key = service.take();
                key.pollEvents();
                key.reset();
                onChange.run();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed with the watcher
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            LOG.debug("Closing the directory watch service: {}", e.toString());
        }
    }
}

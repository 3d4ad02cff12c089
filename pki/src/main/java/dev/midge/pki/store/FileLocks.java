package dev.midge.pki.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises read-modify-write cycles on the CA's files between processes (the CLI and the
 * running broker) and between threads. A {@link FileLock} is held per process, not per thread
 * (a second lock from the same JVM throws), so threads first queue on an in-process lock for
 * the same file, and only the outermost holder takes the file lock: nesting is allowed.
 */
public final class FileLocks {

    /** The work done while holding the lock. */
    @FunctionalInterface
    public interface LockedAction<T> {
        T run() throws IOException;
    }

    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private FileLocks() {
    }

    public static <T> T withLock(Path lockFile, LockedAction<T> action) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        threadLock.lock();
        try {
            if (threadLock.getHoldCount() > 1) {
                return action.run();
            }
            Files.createDirectories(key.getParent());
            try (FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    return action.run();
                } finally {
                    lock.release();
                }
            }
        } finally {
            threadLock.unlock();
        }
    }
}

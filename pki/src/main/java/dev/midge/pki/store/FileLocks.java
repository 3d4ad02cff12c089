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

    /**
     * Every locked action takes milliseconds; a lock held this long belongs to a process that
     * is stuck or stopped (Ctrl-Z), and waiting on would hang the operator's command silently.
     */
    private static final long GIVE_UP_AFTER_MILLIS = 10_000;

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
                FileLock lock = acquire(channel, key);
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

    private static FileLock acquire(FileChannel channel, Path lockFile) throws IOException {
        long deadline = System.nanoTime() + GIVE_UP_AFTER_MILLIS * 1_000_000;
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(lockFile + " is held by another process (another broker.jar command, or the"
                        + " broker writing the CRL) and was not released within " + GIVE_UP_AFTER_MILLIS / 1000
                        + " s: is a command stuck, or stopped with Ctrl-Z?");
            }
            try {
                Thread.sleep(50); // no blocking wait with a timeout exists for file locks
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for " + lockFile);
            }
        }
    }
}

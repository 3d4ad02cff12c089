package dev.midge.acl.edit;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The ACL file's lock ({@code FILE.lock}, held across a read-modify-write so two admin
 * commands do not lose each other's edits) and its atomic replace (temp + fsync + rename, so
 * the broker watching it reads the old or the new ACL, never half of one). The same protocol
 * as pki's {@code store.FileLocks}/{@code AtomicFiles}, written here because broker-acl cannot
 * depend on pki (pki uses this editor).
 */
final class LockedAclFile {

    @FunctionalInterface
    interface Action<T> {
        T run() throws IOException;
    }

    /** A FileLock is per process, so threads of one JVM queue here first; nesting is allowed. */
    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final long GIVE_UP_AFTER_MILLIS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private LockedAclFile() {
    }

    static <T> T withLock(Path file, Action<T> action) throws IOException {
        Path key = file.resolveSibling(file.getFileName() + ".lock").toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        threadLock.lock();
        try {
            if (threadLock.getHoldCount() > 1) {
                return action.run();
            }
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

    static void replace(Path target, String content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(randomSuffix()));
        try {
            try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    readableByAll())) {
                ByteBuffer buffer = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true); // makes the rename durable where the platform allows it
        } catch (IOException ignored) {
            // some file systems refuse to open a directory; the data itself is fsync-ed
        }
    }

    /** rw-r--r--: the broker may run as another user than the admin command. */
    private static FileAttribute<?>[] readableByAll() {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"))};
    }

    private static byte[] randomSuffix() {
        byte[] suffix = new byte[6];
        RANDOM.nextBytes(suffix);
        return suffix;
    }

    private static FileLock acquire(FileChannel channel, Path lockFile) throws IOException {
        long deadline = System.nanoTime() + GIVE_UP_AFTER_MILLIS * 1_000_000;
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(lockFile + " is held by another process (another broker.jar command)"
                        + " and was not released within " + GIVE_UP_AFTER_MILLIS / 1000
                        + " s: is a command stuck, or stopped with Ctrl-Z?");
            }
            try {
                Thread.sleep(50); // no blocking wait with a timeout exists for file locks
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + lockFile);
            }
        }
    }
}

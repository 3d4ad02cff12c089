package dev.midge.cluster;

import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.reload.Reloadable;
import org.infinispan.Cache;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Keeps the contents of this node's CRL and ACL files equal to the cluster's: a change made here
 * (a {@code device revoke}, an edited ACL) is put in the replicated security cache when it is
 * newer than what the cache holds; a newer entry from another node is written over the local
 * file, whose existing watcher then reloads it (and drops connections a CRL revokes) exactly as
 * after a local edit. A cache entry is the version (8 bytes) followed by the file's bytes.
 */
@Listener
final class SecurityFileSync {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityFileSync.class);

    private final Cache<String, byte[]> cache;
    private final List<SharedFile> files;
    private final ExecutorService io;
    private volatile FileWatcher watcher;

    SecurityFileSync(Cache<String, byte[]> cache, List<SharedFile> files, ExecutorService io) {
        this.cache = cache;
        this.files = List.copyOf(files);
        this.io = io;
    }

    /**
     * Agrees with the cluster once (an ACL already in the cluster wins over this node's: the
     * node that joins is the one that is behind; a CRL with a higher number wins either way),
     * then watches the local files.
     */
    void start(FileWatcher watcher) throws Exception {
        this.watcher = watcher;
        cache.addListener(this);
        for (SharedFile file : files) {
            agree(file);
            Reloadable<byte[]> watched = Reloadable.load("cluster copy of " + file.path(), List.of(file.path()),
                    () -> Files.readAllBytes(file.path()));
            watched.onChange(bytes -> localChanged(file, bytes));
            watcher.watch(watched);
        }
    }

    private void agree(SharedFile file) throws IOException {
        byte[] local = Files.readAllBytes(file.path());
        byte[] shared = cache.get(file.key());
        if (shared == null) {
            cache.put(file.key(), entry(initialVersion(file, local), local));
        } else if (file.kind() == SharedFile.Kind.CRL && SharedFile.crlNumber(local) > version(shared)) {
            cache.put(file.key(), entry(SharedFile.crlNumber(local), local));
        } else if (!Arrays.equals(content(shared), local)) {
            write(file, shared);
        }
    }

    /**
     * After a partition heals: the merge kept the newest copy of each file without telling the
     * listeners, so each node compares its files with the cluster's again, as at start (and
     * a CRL revoked on this side during the split is shared now if the merge did not keep it).
     */
    void agreeAgain() {
        io.execute(() -> {
            for (SharedFile file : files) {
                try {
                    agree(file);
                    watcher.checkNow();
                } catch (IOException | RuntimeException e) {
                    LOG.error("Cannot compare {} with the cluster's copy after the partition healed: {}", file.path(),
                            e.toString());
                }
            }
        });
    }

    private static long initialVersion(SharedFile file, byte[] content) {
        return file.kind() == SharedFile.Kind.CRL ? SharedFile.crlNumber(content) : System.currentTimeMillis();
    }

    /** On the watcher's thread: a local edit, or our own write of the cluster's copy (then equal, so nothing). */
    private void localChanged(SharedFile file, byte[] local) {
        byte[] shared = cache.get(file.key());
        if (shared != null && Arrays.equals(content(shared), local)) {
            return;
        }
        long version;
        if (file.kind() == SharedFile.Kind.CRL) {
            version = SharedFile.crlNumber(local);
            if (shared != null && version <= version(shared)) {
                LOG.warn("{} has CRL number {}, not newer than the cluster's {}: the cluster's CRL stays in force "
                        + "and is written back", file.path(), version, version(shared));
                write(file, shared);
                return;
            }
        } else {
            version = Math.max(System.currentTimeMillis(), shared == null ? 0 : version(shared) + 1);
        }
        cache.put(file.key(), entry(version, local));
        LOG.info("Shared {} with the cluster ({} {}).", file.path(),
                file.kind() == SharedFile.Kind.CRL ? "CRL number" : "version", version);
    }

    @CacheEntryCreated
    @CacheEntryModified
    public void changed(CacheEntryEvent<String, byte[]> event) {
        if (event.isPre() || event.isOriginLocal() || event.getValue() == null) {
            return;
        }
        for (SharedFile file : files) {
            if (file.key().equals(event.getKey())) {
                byte[] shared = event.getValue();
                io.execute(() -> adopt(file, shared));
            }
        }
    }

    private void adopt(SharedFile file, byte[] shared) {
        try {
            byte[] local = Files.readAllBytes(file.path());
            if (Arrays.equals(content(shared), local)) {
                return;
            }
            if (file.kind() == SharedFile.Kind.CRL && SharedFile.crlNumber(local) >= version(shared)) {
                return; // ours is as new: it reaches the cache through localChanged
            }
            write(file, shared);
            // The broker's own reload of the file (and the drop of what a CRL revokes) starts now,
            // not at the watcher's next poll.
            watcher.checkNow();
        } catch (IOException e) {
            LOG.error("Cannot read {} to compare it with the cluster's copy: {}", file.path(), e.getMessage());
        }
    }

    /** Atomically, so the watcher never reads half a file. */
    private static void write(SharedFile file, byte[] shared) {
        Path target = file.path();
        try {
            Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), ".cluster-", ".tmp");
            Files.write(temp, content(shared));
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("Wrote the cluster's {} (version {}) to {}.", file.kind() == SharedFile.Kind.CRL ? "CRL" : "ACL",
                    version(shared), target);
        } catch (IOException e) {
            LOG.error("Cannot write the cluster's copy to {}: {}; this node keeps its own", target, e.getMessage());
        }
    }

    private static byte[] entry(long version, byte[] content) {
        return ByteBuffer.allocate(8 + content.length).putLong(version).put(content).array();
    }

    private static long version(byte[] entry) {
        return ByteBuffer.wrap(entry).getLong();
    }

    private static byte[] content(byte[] entry) {
        return Arrays.copyOfRange(entry, 8, entry.length);
    }
}

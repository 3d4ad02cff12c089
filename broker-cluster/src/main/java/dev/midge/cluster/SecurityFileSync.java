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
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * Keeps the contents of this node's CRL, ACL, password and (when asked) CA files equal to the
 * cluster's, each per-listener file with the same listener's on the other nodes: a change made here
 * (a {@code device revoke}, an edited ACL, {@code mosquitto_passwd}) is put in the replicated security cache when it is
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
    private final String node;
    private final Supplier<Collection<String>> members;
    /** "node|key" pairs already warned about: one line per file and node, not one per view change. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile FileWatcher watcher;

    /**
     * @param node    this node's name, under which its layout is published
     * @param members the nodes in the current view, whose layouts are compared with this one's
     */
    SecurityFileSync(Cache<String, byte[]> cache, List<SharedFile> files, ExecutorService io, String node,
                     Supplier<Collection<String>> members) {
        this.cache = cache;
        this.files = List.copyOf(files);
        this.io = io;
        this.node = node;
        this.members = members;
    }

    /**
     * Agrees with the cluster once (an ACL, password file or CA chain already in the cluster wins
     * over this node's: the node that joins is the one that is behind; a CRL with a higher number
     * wins either way), then watches the local files.
     */
    void start(FileWatcher watcher) throws Exception {
        this.watcher = watcher;
        cache.addListener(this);
        cache.put(ListenerLayout.key(node), ListenerLayout.encode(files));
        for (SharedFile file : files) {
            agree(file);
            Reloadable<byte[]> watched = Reloadable.load("cluster copy of " + file.path(), List.of(file.path()),
                    () -> Files.readAllBytes(file.path()));
            watched.onChange(bytes -> localChanged(file, bytes));
            watcher.watch(watched);
        }
        compareLayouts();
    }

    /** Logs (once per file and node) each of this node's files that a node of the view does not share. */
    void compareLayouts() {
        for (String other : members.get()) {
            if (other.equals(node)) {
                continue;
            }
            byte[] layout = cache.get(ListenerLayout.key(other));
            if (layout == null) {
                continue; // not started yet: its layout arrives as an event
            }
            for (SharedFile file : ListenerLayout.unmatched(files, ListenerLayout.decode(layout))) {
                if (warned.add(other + "|" + file.key())) {
                    LOG.warn("Not keeping {} in step with node {}: it has no {} (its listener layout differs); "
                                    + "each node keeps its own copy of that file", file.describe(), other,
                            file.listeners().isEmpty() ? "broker-wide " + file.kind().option
                                    : file.kind().option + " of its own for listener " + file.listeners());
                }
            }
        }
    }

    /** Whether {@code content} must not be shared ({@code adopt} false) or adopted; logs why. */
    private static boolean refused(SharedFile file, byte[] content, boolean adopt) {
        String refusal = file.refusal(content);
        if (refusal == null) {
            return false;
        }
        if (adopt) {
            LOG.error("Not adopting the cluster's copy of {}: {}; this node keeps its own", file.describe(), refusal);
        } else {
            LOG.error("Not sharing {} with the cluster: {}; the other nodes keep theirs", file.describe(), refusal);
        }
        return true;
    }

    private void agree(SharedFile file) throws IOException {
        byte[] local = Files.readAllBytes(file.path());
        byte[] shared = cache.get(file.key());
        if (shared == null) {
            if (!refused(file, local, false)) {
                cache.put(file.key(), entry(initialVersion(file, local), local));
            }
        } else if (file.versionedByCrlNumber() && SharedFile.crlNumber(local) > version(shared)) {
            cache.put(file.key(), entry(SharedFile.crlNumber(local), local));
        } else if (!Arrays.equals(content(shared), local) && !refused(file, content(shared), true)) {
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
        return file.versionedByCrlNumber() ? SharedFile.crlNumber(content) : System.currentTimeMillis();
    }

    /** On the watcher's thread: a local edit, or our own write of the cluster's copy (then equal, so nothing). */
    private void localChanged(SharedFile file, byte[] local) {
        byte[] shared = cache.get(file.key());
        if (shared != null && Arrays.equals(content(shared), local)) {
            return;
        }
        if (refused(file, local, false)) {
            return;
        }
        long version;
        if (file.versionedByCrlNumber()) {
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
        LOG.info("Shared {} with the cluster ({} {}).", file.describe(),
                file.versionedByCrlNumber() ? "CRL number" : "version", version);
    }

    @CacheEntryCreated
    @CacheEntryModified
    public void changed(CacheEntryEvent<String, byte[]> event) {
        if (event.isPre() || event.isOriginLocal() || event.getValue() == null) {
            return;
        }
        if (event.getKey().startsWith(ListenerLayout.PREFIX)) {
            io.execute(this::compareLayouts);
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
            if (file.versionedByCrlNumber() && SharedFile.crlNumber(local) >= version(shared)) {
                return; // ours is as new: it reaches the cache through localChanged
            }
            if (refused(file, content(shared), true)) {
                return;
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
            LOG.info("Wrote the cluster's {} (version {}) to {}{}.", file.kind().option, version(shared), target,
                    file.listeners().isEmpty() ? "" : " (listener " + file.listeners() + ")");
        } catch (IOException e) {
            LOG.error("Cannot write the cluster's copy to {}: {}; this node keeps its own", target, e.getMessage());
        }
    }

    static byte[] entry(long version, byte[] content) {
        return ByteBuffer.allocate(8 + content.length).putLong(version).put(content).array();
    }

    static long version(byte[] entry) {
        return ByteBuffer.wrap(entry).getLong();
    }

    static byte[] content(byte[] entry) {
        return Arrays.copyOfRange(entry, 8, entry.length);
    }
}

package dev.midge.broker.persist;

import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The store as the writer thread sees it: writes batches of changes, and outlives a failed
 * write. MVStore closes itself when a write fails (disk full, I/O error) and the file then
 * holds its last commit, which is valid. So after a failure this keeps, in memory and in
 * order, the changes of the failed batch and of every batch after it, and about once a second
 * tries to rebuild the file from its last commit plus those changes ({@link StoreRebuild}).
 * Changes are puts and removes by key, so applying one a second time (the failed commit may
 * have reached the disk after all) leaves the same state. Only the writer thread calls this
 * class, apart from {@link #writable()}.
 */
final class StoreWriter<M> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
    private static final long RETRY_NANOS = 1_000_000_000L;

    private final String fileName;
    /** Rebuilds the file from its last commit plus what the given action adds, and opens it. */
    private final Function<Consumer<MVStore>, MVStore> rebuild;
    private final Function<MVStore, M> mapsOf;
    private final LongSupplier nanoTime = System::nanoTime;
    private MVStore store;
    private M maps;
    private StoreHousekeeping housekeeping;
    /** While failed: every change not yet committed, oldest first. */
    private final List<Consumer<M>> unsaved = new ArrayList<>();
    private boolean failed;
    private long lastAttempt;
    private volatile boolean writable = true;
    private volatile long commits;

    StoreWriter(MVStore store, M maps, String fileName, Function<Consumer<MVStore>, MVStore> rebuild,
                Function<MVStore, M> mapsOf) {
        this.store = store;
        this.maps = maps;
        this.fileName = fileName;
        this.rebuild = rebuild;
        this.mapsOf = mapsOf;
        this.housekeeping = new StoreHousekeeping(store, nanoTime);
    }

    /** False from a failed write until the store is rebuilt with everything that waited. */
    boolean writable() {
        return writable;
    }

    /** How many times a batch was committed and synced: for tests that check batching. */
    long commits() {
        return commits;
    }

    /**
     * Applies the changes, commits and syncs. True once they, and every change before them,
     * are on disk; false while the store cannot write (they are kept and written later).
     */
    boolean write(List<Consumer<M>> changes) {
        if (failed) {
            unsaved.addAll(changes);
            return retryIfDue();
        }
        if (changes.isEmpty()) {
            return true;
        }
        try {
            for (Consumer<M> change : changes) {
                change.accept(maps);
            }
            store.commit();
            store.sync();
            commits++;
            return true;
        } catch (RuntimeException e) {
            unsaved.addAll(changes);
            fail(e);
            return false;
        }
    }

    /** After a written batch, once its acknowledgements are released: rewrites sparse chunks. */
    void afterWrite() {
        if (!failed) {
            keepHouse(housekeeping::afterCommit);
        }
    }

    /** Nothing was queued for a while: compacts the file, or retries a failed store. True if writable. */
    boolean idle() {
        if (failed) {
            return retryIfDue();
        }
        keepHouse(housekeeping::whileIdle);
        return !failed;
    }

    private void keepHouse(Runnable pass) {
        try {
            pass.run();
        } catch (RuntimeException e) {
            if (store.isClosed()) {
                // Compaction writes too, so a full disk can fail it, and MVStore then closes itself.
                fail(e);
            } else {
                LOG.warn("Cannot compact the persistent store {}: {}", fileName, e.toString());
            }
        }
    }

    private void fail(RuntimeException e) {
        failed = true;
        writable = false;
        lastAttempt = nanoTime.getAsLong();
        store.closeImmediately(); // releases the file lock, so the file can be read and replaced
        String cause = cause(e);
        if (cause == null) {
            LOG.error("Cannot write the persistent store {}; QoS 1/2 publishes are refused until it can, retrying every second.",
                    fileName, e);
        } else {
            LOG.error("Cannot write the persistent store {} ({}); QoS 1/2 publishes are refused until it can, retrying every second.",
                    fileName, cause);
        }
    }

    private boolean retryIfDue() {
        long now = nanoTime.getAsLong();
        if (now - lastAttempt < RETRY_NANOS) {
            return false;
        }
        lastAttempt = now;
        MVStore rebuilt;
        try {
            rebuilt = rebuild.apply(copy -> {
                M copyMaps = mapsOf.apply(copy);
                for (Consumer<M> change : unsaved) {
                    change.accept(copyMaps);
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("{}: cannot rebuild the persistent store yet: {}", fileName, e.toString());
            return false;
        }
        try {
            maps = mapsOf.apply(rebuilt);
            housekeeping = new StoreHousekeeping(rebuilt, nanoTime);
            store = rebuilt;
        } catch (RuntimeException e) {
            // The rebuilt file holds everything; applying it all again next time changes nothing.
            rebuilt.closeImmediately();
            LOG.debug("{}: cannot open the rebuilt persistent store yet: {}", fileName, e.toString());
            return false;
        }
        commits++;
        LOG.warn("The persistent store {} can write again: wrote the {} changes that waited; QoS 1/2 publishes are accepted again.",
                fileName, unsaved.size());
        unsaved.clear();
        failed = false;
        writable = true;
        return true;
    }

    /** What went wrong, in words, when it is an I/O error (disk full); null for anything else (a bug). */
    private static String cause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage();
            }
        }
        return null;
    }

    /** Closes the file; with a failed store, says how much could not be written. */
    @Override
    public void close() {
        if (failed) {
            LOG.warn("Closing the persistent store {} with {} changes it could not write; no acknowledgement waiting on them was sent.",
                    fileName, unsaved.size());
            return;
        }
        try {
            store.close();
        } catch (RuntimeException e) {
            // Every acknowledged change was synced before its acknowledgement; nothing is lost here.
            LOG.warn("{}: cannot close the persistent store cleanly: {}", fileName, e.getMessage());
            store.closeImmediately();
        }
    }
}

package dev.midge.broker.persist;

import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Keeps the store file near the size of its live data. MVStore writes copy-on-write: every
 * commit appends a chunk, and a chunk's space is reused only once nothing in it is live. A few
 * long-lived entries (a retained message, a session record) pin whole chunks of dead queue
 * traffic, so without help the file grows with the traffic, not with the data. MVStore's own
 * housekeeping thread only runs with auto-commit, which group commit turns off; so the writer
 * thread calls this between batches instead.
 *
 * <p>While busy, about once a second, the live pages of sparse chunks are rewritten into new
 * ones (a bounded amount), so pinned chunks die and their space is reused by later commits.
 * Once idle, it also drops the chunks that died, moves chunks from the end of the file into
 * the freed space and lets MVStore truncate the tail; it repeats on later idle ticks until
 * the file is mostly live chunks (or thirty rounds passed), then waits for the next write.
 *
 * <p>Chunks are dropped only after the store's retention time, and the store keeps its
 * default versions-to-keep: H2 reports files that no longer open ("Double mark") when both
 * are zero (h2database#2752, #4083).
 */
final class StoreHousekeeping {

    private static final Logger LOG = LoggerFactory.getLogger(StoreHousekeeping.class);

    /** Compact when less than this share (%) of the chunks' bytes is live. */
    static final int TARGET_FILL_RATE = 50;
    /** Idle rounds stop once this share (%) of the file is in chunks in use... */
    private static final int COMPACT_FILE_FILL_RATE = 80;
    /** ...or after this many rounds (one a second) without getting there. */
    private static final int MAX_IDLE_ROUNDS = 30;
    private static final long BUSY_INTERVAL_NANOS = 1_000_000_000L;
    private static final int BUSY_REWRITE_BYTES = 1 << 20;
    /** Bounds one idle round (about a second on a busy 2-core machine): a write arriving waits for it. */
    private static final int IDLE_REWRITE_BYTES = 8 << 20;
    private static final long IDLE_MOVE_BYTES = 8 << 20;

    private final MVStore store;
    /** One entry, rewritten to advance the store's version when idle (see {@link #whileIdle()}). */
    private final MVMap<String, Long> versionMarker;
    private final LongSupplier nanoTime;
    private long lastBusyPass;
    /** True at start too: a store written by an earlier run (or version) may be all slack. */
    private boolean idleWorkPending = true;
    private int idleRounds;

    StoreHousekeeping(MVStore store, LongSupplier nanoTime) {
        this.store = store;
        this.versionMarker = store.openMap("housekeeping");
        this.nanoTime = nanoTime;
        this.lastBusyPass = nanoTime.getAsLong();
    }

    /** Called by the writer after each commit; rewrites sparse chunks at most once a second. */
    void afterCommit() {
        idleWorkPending = true;
        idleRounds = 0;
        long now = nanoTime.getAsLong();
        if (now - lastBusyPass < BUSY_INTERVAL_NANOS) {
            return;
        }
        lastBusyPass = now;
        if (store.getFileStore().getChunksFillRate() < TARGET_FILL_RATE) {
            // The rewritten pages are committed with the next batch.
            store.compact(TARGET_FILL_RATE, BUSY_REWRITE_BYTES);
        }
    }

    /**
     * Called by the writer when nothing was queued for a while. Returns once it has done one
     * bounded round; the writer serves queued changes before the next.
     */
    void whileIdle() {
        if (!idleWorkPending) {
            return;
        }
        FileStore<?> files = store.getFileStore();
        long sizeBefore = files.size();
        if (files.getChunksFillRate() < TARGET_FILL_RATE) {
            store.compact(TARGET_FILL_RATE, IDLE_REWRITE_BYTES);
        }
        // A page replaced in version V counts as dead once V is older than the versions the
        // store keeps; with no traffic no version passes, so write a few on purpose.
        for (int i = 0; i <= store.getVersionsToKeep(); i++) {
            versionMarker.put("version", store.getCurrentVersion());
            store.commit();
        }
        files.dropUnusedChunks();
        if (files instanceof RandomAccessStore randomAccess) {
            // A chunk larger than the budget is never moved, and the file cannot shrink past it:
            // the budget is at least the largest chunk (a big batch, or the rewrite above).
            randomAccess.compactMoveChunks(101, Math.max(IDLE_MOVE_BYTES, largestChunkBytes(files)), store);
        }
        store.commit();
        store.sync();
        // Moved chunks free their old place only after the retention time, so a round that
        // shrank nothing may still have made the next one's progress: judge by the fill rates.
        boolean compact = files.getFillRate() >= COMPACT_FILE_FILL_RATE
                && files.getChunksFillRate() >= TARGET_FILL_RATE;
        LOG.debug("{}: idle compaction round {}: {} -> {} bytes, {}% of the file in use, {}% of that live",
                files.getFileName(), idleRounds, sizeBefore, files.size(), files.getFillRate(), files.getChunksFillRate());
        if (compact || ++idleRounds >= MAX_IDLE_ROUNDS) {
            idleWorkPending = false;
        }
    }

    /** From the store's layout map, whose "chunk.N" entries say "len:" in 4 KiB blocks (hex). */
    static long largestChunkBytes(FileStore<?> files) {
        long largest = 0;
        for (Map.Entry<String, String> e : files.getLayoutMap().entrySet()) {
            if (!e.getKey().startsWith("chunk.")) {
                continue;
            }
            for (String field : e.getValue().split(",")) {
                if (field.startsWith("len:")) {
                    largest = Math.max(largest, Long.parseLong(field.substring(4), 16) * 4096);
                }
            }
        }
        return largest;
    }
}

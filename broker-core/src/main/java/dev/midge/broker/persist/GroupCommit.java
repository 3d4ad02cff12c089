package dev.midge.broker.persist;

import dev.midge.broker.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one thread that writes the store. Writers from any thread (event loops included) only
 * queue a change; this thread drains everything queued, applies it, commits and syncs once per
 * batch (group commit), and then completes the {@link #barrier()}s queued behind those
 * changes. So a burst of N publishes costs one fsync, not N, and no event loop waits on disk.
 *
 * <p>The changes queued or written but not yet on disk are the backlog. Queuing never blocks
 * and never fails (the change already happened in memory); instead, callers that can wait
 * (connections publishing) ask {@link #pauseWhileBacklogged} and stop reading while the
 * backlog is over its {@link Bound}.
 */
final class GroupCommit<M> implements AutoCloseable {

    /** How far the backlog may grow before publishing connections are paused. */
    record Bound(long changes, long bytes) {
        static final Bound DEFAULT = new Bound(100_000, 64L << 20);
    }

    /** A change to apply (or null), its size, and a future to complete once it is on disk (or null). */
    private record Item<M>(long sequence, Consumer<M> change, long bytes, CompletableFuture<Void> done) {
    }

    /** Test seam: runs on the writer thread before each batch is written (a test makes the disk slow here). */
    static volatile Consumer<GroupCommit<?>> beforeWrite = g -> { };
    /** Test seam: the bound of the next store the broker opens. */
    static volatile Bound nextBound = Bound.DEFAULT;

    private final Item<M> stop = new Item<>(-1, null, 0, null);
    private final StoreWriter<M> writer;
    private final Bound bound;
    private final BlockingQueue<Item<M>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    // Guarded by this.
    private long submitted;
    private long backlogChanges;
    private long backlogBytes;
    private long peakBacklogChanges;
    private final List<Runnable> resumes = new ArrayList<>();
    /** The backlog is over the bound: read without the lock on every PUBLISH, written under it. */
    private volatile boolean overBound;
    private volatile long committed;
    // Writer thread only: what was taken from the queue and is not yet on disk.
    private final List<CompletableFuture<Void>> waiting = new ArrayList<>();
    private long takenChanges;
    private long takenBytes;
    private long lastTaken;

    GroupCommit(StoreWriter<M> writer, Bound bound) {
        this.writer = writer;
        this.bound = bound;
        this.thread = new Thread(this::run, "midge-persist");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a change of about {@code bytes} to the store's maps; it runs on the writer thread, in order. */
    synchronized void submit(Consumer<M> change, long bytes) {
        queue.add(new Item<>(++submitted, change, bytes, null));
        backlogChanges++;
        backlogBytes += bytes;
        peakBacklogChanges = Math.max(peakBacklogChanges, backlogChanges);
        if (!overBound && (backlogChanges > bound.changes() || backlogBytes > bound.bytes())) {
            overBound = true;
        }
    }

    /** Completes once every change submitted so far is committed and synced to disk. */
    synchronized CompletableFuture<Void> barrier() {
        if (committed == submitted) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Item<>(++submitted, null, 0, done));
        return done;
    }

    /** False while the store cannot write (disk full): barriers wait until it can again. */
    boolean writable() {
        return writer.writable();
    }

    /**
     * True if the backlog is over its bound; then {@code resume} runs, once, on the writer
     * thread, when the backlog is down to half the bound. False (and {@code resume} dropped) if not.
     */
    boolean pauseWhileBacklogged(Runnable resume) {
        if (!overBound) {
            return false;
        }
        synchronized (this) {
            if (!overBound) {
                return false;
            }
            resumes.add(resume);
            return true;
        }
    }

    /** The most changes the backlog ever held: for tests of the bound. */
    synchronized long peakBacklogChanges() {
        return peakBacklogChanges;
    }

    synchronized long backlogChanges() {
        return backlogChanges;
    }

    /** How many callers are paused until the backlog shrinks: for tests of the bound. */
    synchronized int paused() {
        return resumes.size();
    }

    /** How many times a batch was committed and synced: for tests that check batching. */
    long commits() {
        return writer.commits();
    }

    private void run() {
        List<Item<M>> batch = new ArrayList<>();
        List<Consumer<M>> changes = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            Item<M> first;
            try {
                first = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                if (writer.idle()) {
                    written(); // after a failure, the store was rebuilt: release what waited
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch);
            stopping = batch.remove(stop);
            for (Item<M> item : batch) {
                if (item.change() != null) {
                    changes.add(item.change());
                    takenChanges++;
                    takenBytes += item.bytes();
                }
                if (item.done() != null) {
                    waiting.add(item.done());
                }
                lastTaken = item.sequence();
            }
            beforeWrite.accept(this);
            if (writer.write(changes)) {
                written();
                if (!changes.isEmpty()) {
                    writer.afterWrite(); // after the batch's acknowledgements are released, never before
                }
            }
            batch.clear();
            changes.clear();
        }
        StoreException notWritten = new StoreException("the persistent store closed before this was written", null);
        waiting.forEach(f -> f.completeExceptionally(notWritten));
    }

    /** Everything taken from the queue is on disk: complete its barriers, shrink the backlog. */
    private void written() {
        committed = lastTaken;
        waiting.forEach(f -> f.complete(null));
        waiting.clear();
        List<Runnable> resumeNow = List.of();
        synchronized (this) {
            backlogChanges -= takenChanges;
            backlogBytes -= takenBytes;
            // Paused at the bound, resumed at half of it: not one pause per change around the bound.
            if (overBound && backlogChanges <= bound.changes() / 2 && backlogBytes <= bound.bytes() / 2) {
                overBound = false;
                resumeNow = List.copyOf(resumes);
                resumes.clear();
            }
        }
        takenChanges = 0;
        takenBytes = 0;
        resumeNow.forEach(Runnable::run);
    }

    /** Writes what is queued (if the store can), stops the thread and closes the store. */
    @Override
    public void close() {
        queue.add(stop);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
    }
}

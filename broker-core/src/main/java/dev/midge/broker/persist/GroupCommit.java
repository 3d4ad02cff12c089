package dev.midge.broker.persist;

import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that writes the store. Writers from any thread (event loops included) only
 * queue a change; this thread drains everything queued, applies it, commits and syncs once per
 * batch (group commit), and then completes the {@link #barrier()}s queued behind those
 * changes. So a burst of N publishes costs one fsync, not N, and no event loop waits on disk.
 */
final class GroupCommit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    /** A change to apply (or null), and a future to complete once it is on disk (or null). */
    private record Item(long sequence, Runnable change, CompletableFuture<Void> done) {
    }

    private static final Item STOP = new Item(-1, null, null);

    private final MVStore store;
    private final String fileName;
    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private long submitted;
    private volatile long committed;
    private boolean failureLogged;
    private volatile long commits;
    private final StoreHousekeeping housekeeping;

    GroupCommit(MVStore store, String fileName) {
        this.store = store;
        this.fileName = fileName;
        this.housekeeping = new StoreHousekeeping(store, System::nanoTime);
        this.thread = new Thread(this::run, "midge-persist");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a change to the store's maps; it runs on the writer thread, in submission order. */
    synchronized void submit(Runnable change) {
        queue.add(new Item(++submitted, change, null));
    }

    /** Completes once every change submitted so far is committed and synced to disk. */
    synchronized CompletableFuture<Void> barrier() {
        if (committed == submitted) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Item(++submitted, null, done));
        return done;
    }

    private void run() {
        List<Item> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                Item first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    keepHouse(housekeeping::whileIdle);
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch);
            stopping = batch.remove(STOP);
            apply(batch);
            batch.clear();
        }
    }

    private void apply(List<Item> batch) {
        Throwable failure = null;
        boolean changed = false;
        try {
            for (Item item : batch) {
                if (item.change() != null) {
                    item.change().run();
                    changed = true;
                }
            }
            if (changed) {
                store.commit();
                store.sync();
                commits++;
            }
        } catch (RuntimeException e) {
            failure = e;
            if (!failureLogged) {
                failureLogged = true;
                LOG.error("Cannot write the persistent store {}: messages are no longer acknowledged.", fileName, e);
            }
        }
        if (!batch.isEmpty()) {
            committed = batch.get(batch.size() - 1).sequence();
        }
        for (Item item : batch) {
            if (item.done() != null) {
                if (failure == null) {
                    item.done().complete(null);
                } else {
                    item.done().completeExceptionally(failure);
                }
            }
        }
        if (changed && failure == null) {
            keepHouse(housekeeping::afterCommit);
        }
    }

    /** Housekeeping runs after the batch's acknowledgements are released, never before. */
    private void keepHouse(Runnable pass) {
        try {
            pass.run();
        } catch (RuntimeException e) {
            LOG.warn("Cannot compact the persistent store {}: {}", fileName, e.toString());
        }
    }

    /** How many times a batch was committed and synced: for tests that check batching. */
    long commits() {
        return commits;
    }

    /** Writes what is queued, then stops the thread. */
    @Override
    public void close() {
        queue.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

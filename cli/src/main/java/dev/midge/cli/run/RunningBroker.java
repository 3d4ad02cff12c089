package dev.midge.cli.run;

import dev.midge.broker.MidgeBroker;
import dev.midge.broker.reload.FileWatcher;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;

/** A started broker and everything that lives as long as it: closed in reverse order of start. */
public final class RunningBroker implements AutoCloseable {

    private final MidgeBroker broker;
    private final FileWatcher watcher;
    private final Deque<AutoCloseable> resources;
    private final CountDownLatch closed = new CountDownLatch(1);

    RunningBroker(MidgeBroker broker, FileWatcher watcher, Deque<AutoCloseable> resources) {
        this.broker = broker;
        this.watcher = watcher;
        this.resources = new ArrayDeque<>(resources);
    }

    public MidgeBroker broker() {
        return broker;
    }

    /** Re-reads every watched file now (SIGHUP). */
    public void reloadAll() {
        watcher.reloadAll();
    }

    /** Closes something else with the broker (e.g. the CRL renewer). */
    public void closeWithBroker(AutoCloseable resource) {
        resources.push(resource);
    }

    /** Returns once {@link #close()} has finished (e.g. from the shutdown hook). */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    @Override
    public synchronized void close() {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(RunningBroker.class).warn("Closing {} failed: {}", resource, e.toString());
            }
        }
        closed.countDown();
    }
}

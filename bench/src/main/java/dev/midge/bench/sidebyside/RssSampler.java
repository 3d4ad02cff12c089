package dev.midge.bench.sidebyside;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples a broker's VmRSS every 100 ms while a load runs and keeps the highest: memory under
 * load, not after it. VmHWM (the kernel's own peak) is read at the end too, since a short spike
 * between two samples would be missed.
 */
final class RssSampler implements AutoCloseable {

    /** Highest VmRSS sampled and VmHWM at the end, in KiB. */
    record Peak(long sampledKib, long highWaterKib) {
        double sampledMiB() {
            return sampledKib / 1024.0;
        }

        double highWaterMiB() {
            return highWaterKib / 1024.0;
        }
    }

    private final BrokerProcess broker;
    private final AtomicLong highest = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    RssSampler(BrokerProcess broker) {
        this.broker = broker;
        this.thread = new Thread(this::sample, "rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        while (running) {
            try {
                long rss = broker.rssKib();
                highest.accumulateAndGet(rss, Math::max);
            } catch (IOException gone) {
                return;
            }
            // A sampling period, not a synchronisation: nothing here waits for an event.
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
        }
    }

    /** Stops sampling and returns the peaks. */
    Peak stop() throws IOException, InterruptedException {
        running = false;
        thread.join();
        return new Peak(highest.get(), broker.peakRssKib());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}

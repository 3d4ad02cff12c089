package dev.midge.bench;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Publisher N publishes to {@code bench/t/N} as fast as a window of unfinished publishes allows,
 * one thread each, counting what the client library completed or failed. The load of the
 * side-by-side fan-in/fan-out rows and of the persistence bench.
 */
public final class WindowedPublishers implements AutoCloseable {

    /** Unfinished publishes per publisher: enough to keep the pipe full, bounded so memory is. */
    public static final int WINDOW = 1000;

    /** Per-second rates over the measured window. */
    public record Rates(double publishedPerSecond, double deliveredPerSecond) {
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final LongAdder published = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param drain how long each publisher waits, once stopped, for what it has in flight
     */
    public WindowedPublishers(List<Mqtt3AsyncClient> clients, MqttQos qos, byte[] payload, Duration drain) {
        this(clients, p -> "bench/t/" + p, WINDOW, qos, payload, drain);
    }

    /**
     * @param topicOf the topic publisher N publishes to
     * @param window  unfinished publishes per publisher (many publishers: a smaller window each)
     */
    public WindowedPublishers(List<Mqtt3AsyncClient> clients, java.util.function.IntFunction<String> topicOf, int window,
                              MqttQos qos, byte[] payload, Duration drain) {
        for (int p = 0; p < clients.size(); p++) {
            Mqtt3AsyncClient client = clients.get(p);
            String topic = topicOf.apply(p);
            Thread thread = new Thread(() -> publish(client, topic, window, qos, payload, drain), "publisher-" + p);
            thread.start();
            threads.add(thread);
        }
    }

    /**
     * After {@code warmup}, the rates over {@code measure} of completed publishes and of
     * {@code delivered} (counted by the caller's subscribers).
     */
    public Rates measure(Duration warmup, Duration measure, LongAdder delivered) throws InterruptedException {
        return measure(warmup, measure, delivered, () -> { }, () -> { });
    }

    /** As {@link #measure(Duration, Duration, LongAdder)}, calling back as the measured window starts and ends. */
    public Rates measure(Duration warmup, Duration measure, LongAdder delivered, Runnable atStart, Runnable atEnd)
            throws InterruptedException {
        Thread.sleep(warmup.toMillis()); // a warm-up duration, not a synchronisation
        atStart.run();
        long p0 = published.sum();
        long d0 = delivered.sum();
        long start = System.nanoTime();
        Thread.sleep(measure.toMillis());
        double seconds = (System.nanoTime() - start) / 1e9;
        long d1 = delivered.sum();
        long p1 = published.sum();
        atEnd.run();
        return new Rates((p1 - p0) / seconds, (d1 - d0) / seconds);
    }

    /** Publishes completed so far in the whole run, warm-up included. */
    public long published() {
        return published.sum();
    }

    public long failed() {
        return failed.sum();
    }

    /** The first failure's reason, or null. */
    public String firstFailure() {
        return firstFailure.get();
    }

    /** Stops publishing and waits for each publisher to drain. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private void publish(Mqtt3AsyncClient client, String topic, int size, MqttQos qos, byte[] payload, Duration drain) {
        Semaphore window = new Semaphore(size);
        try {
            while (running.get()) {
                if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                client.publishWith().topic(topic).qos(qos).payload(payload).send().whenComplete((r, e) -> {
                    if (e == null) {
                        published.increment();
                    } else {
                        failed.increment();
                        firstFailure.compareAndSet(null, e.toString());
                    }
                    window.release();
                });
            }
            // What is in flight finishes before the client disconnects.
            window.tryAcquire(size, drain.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

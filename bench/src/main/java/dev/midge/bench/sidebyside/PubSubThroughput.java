package dev.midge.bench.sidebyside;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * P publishers each publishing as fast as a window of unacknowledged messages allows to
 * {@code bench/t/P} (HiveMQ client), S {@link RawSubscriber}s to {@code bench/t/+}: fan-in is P many
 * and S = 1, fan-out P = 1 and S many. The figure is messages delivered to subscribers per second.
 */
final class PubSubThroughput {

    /** Unfinished publishes per publisher: enough to keep the pipe full, bounded so memory is. */
    private static final int WINDOW = 1000;

    /**
     * @param publishedPerSecond publishes the client library completed (QoS 1: PUBACKed)
     * @param failedPublishes    publishes the client library failed, with the first reason
     */
    record Result(double deliveredPerSecond, double publishedPerSecond, long failedPublishes, String firstFailure) {
    }

    private PubSubThroughput() {
    }

    static Result run(int port, int publishers, int subscribers, int qos, int payloadBytes,
                      Duration warmup, Duration measure) throws InterruptedException, java.io.IOException {
        LongAdder delivered = new LongAdder();
        LongAdder published = new LongAdder();
        LongAdder failed = new LongAdder();
        java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
        AtomicBoolean running = new AtomicBoolean(true);
        MqttQos level = LoadClients.qos(qos);
        List<RawSubscriber> receivers = new ArrayList<>();
        try (LoadClients clients = new LoadClients(port)) {
            for (int s = 0; s < subscribers; s++) {
                receivers.add(RawSubscriber.subscribe(port, "sub-" + s, "bench/t/+", qos, delivered));
            }
            byte[] payload = new byte[payloadBytes];
            List<Thread> threads = new ArrayList<>();
            List<Mqtt3AsyncClient> senders = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                senders.add(clients.connect("pub-" + p));
            }
            // Everyone is connected before the first message: connecting is not what we measure.
            for (int p = 0; p < publishers; p++) {
                Mqtt3AsyncClient client = senders.get(p);
                String topic = "bench/t/" + p;
                Thread thread = new Thread(() -> publish(client, topic, level, payload, running, published, failed, firstFailure),
                        "publisher-" + p);
                thread.start();
                threads.add(thread);
            }
            Thread.sleep(warmup.toMillis()); // a warm-up duration, not a synchronisation
            long d0 = delivered.sum();
            long p0 = published.sum();
            long start = System.nanoTime();
            Thread.sleep(measure.toMillis());
            double seconds = (System.nanoTime() - start) / 1e9;
            Result result = new Result((delivered.sum() - d0) / seconds, (published.sum() - p0) / seconds,
                    failed.sum(), firstFailure.get());
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
            return result;
        } finally {
            receivers.forEach(RawSubscriber::close);
        }
    }

    private static void publish(Mqtt3AsyncClient client, String topic, MqttQos qos, byte[] payload,
                                AtomicBoolean running, LongAdder published, LongAdder failed,
                                java.util.concurrent.atomic.AtomicReference<String> firstFailure) {
        Semaphore window = new Semaphore(WINDOW);
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
            // Let what is in flight finish before the clients disconnect.
            window.tryAcquire(WINDOW, 10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.midge.bench.sidebyside;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One publisher at a fixed rate, one subscriber, 64-byte payloads carrying the time each message
 * was DUE to be sent: a stalled publisher counts against the broker's latency too (no
 * coordinated omission). Messages received during the warm-up are not recorded.
 */
final class EndToEndLatency {

    record Result(double p50Micros, double p99Micros, double p999Micros, int samples, int expected) {
    }

    private EndToEndLatency() {
    }

    static Result run(int port, int qos, int ratePerSecond, Duration warmup, Duration measure) {
        return run(port, port, qos, ratePerSecond, warmup, measure);
    }

    /** The publisher on one broker, the subscriber on another (two nodes of a cluster). */
    static Result run(int publishPort, int subscribePort, int qos, int ratePerSecond, Duration warmup, Duration measure) {
        MqttQos level = LoadClients.qos(qos);
        long interval = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        int warmupCount = (int) (warmup.toNanos() / interval);
        int measureCount = (int) (measure.toNanos() / interval);
        long[] latencies = new long[measureCount];
        AtomicInteger recorded = new AtomicInteger();
        try (LoadClients clients = new LoadClients(subscribePort);
             LoadClients publishers = new LoadClients(publishPort)) {
            clients.connect("latency-sub").subscribeWith().topicFilter("bench/latency").qos(level)
                    .callback(p -> {
                        long now = System.nanoTime();
                        ByteBuffer payload = p.getPayload().orElseThrow();
                        long sequence = payload.getLong(0);
                        long due = payload.getLong(8);
                        if (sequence >= warmupCount) {
                            int i = recorded.getAndIncrement();
                            if (i < latencies.length) {
                                latencies[i] = now - due;
                            }
                        }
                    }).send().orTimeout(30, TimeUnit.SECONDS).join();
            Mqtt3AsyncClient publisher = publishers.connect("latency-pub");
            long start = System.nanoTime() + interval;
            for (long n = 0; n < warmupCount + measureCount; n++) {
                long due = start + n * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing to the fixed rate
                }
                byte[] payload = ByteBuffer.allocate(64).putLong(n).putLong(due).array();
                publisher.publishWith().topic("bench/latency").qos(level).payload(payload).send();
            }
            // Give the last messages a moment to arrive; missing ones are reported, not waited for.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (recorded.get() < measureCount && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        int n = Math.min(recorded.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return new Result(percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 0.999), n, measureCount);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1000.0;
    }
}

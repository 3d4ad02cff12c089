package dev.midge.bench.persistence;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import dev.midge.broker.MidgeBroker;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fills a store as clients would (S persistent sessions subscribe to {@code restore/i} and go
 * offline, then M QoS 1 messages are published to each topic), closes the broker, and restores
 * it: once in a fresh JVM (a restart) and once in this one (classes loaded, code compiled).
 */
final class RestoreTime {

    private static final int CONNECTS_AT_ONCE = 50;
    private static final int PUBLISHERS = 4;
    private static final int WINDOW = 1000;

    /** @param fillRate how much of the file is live, or null if unknown */
    /** peakBytes: the file when the last PUBACK came; idleBytes: once idle housekeeping settled. */
    record Fill(double seconds, long published, long failed, String firstFailure, long peakBytes,
                long idleBytes, double idleSeconds, long storeBytes, StoreFillRate fillRate) {
    }

    /** @param emptyCold a fresh JVM starting on an empty store: what the cold figure costs without any state */
    record Result(RestoreProbe.Result emptyCold, Fill fill, RestoreProbe.Result cold, RestoreProbe.Result warm) {
    }

    private RestoreTime() {
    }

    static Result run(int sessions, int messagesPerSession) throws Exception {
        Path dir = Files.createTempDirectory("midge-restore-bench");
        try {
            RestoreProbe.Result emptyCold = inFreshJvm(dir, "nobody", 0);
            Fill fill = fill(dir, sessions, messagesPerSession);
            RestoreProbe.Result cold = inFreshJvm(dir, "s-0", messagesPerSession);
            RestoreProbe.Result warm = RestoreProbe.measure(dir, "s-1", messagesPerSession);
            return new Result(emptyCold, fill, cold, warm);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Fill fill(Path dir, int sessions, int messagesPerSession) throws Exception {
        long published;
        LongAdder failed = new LongAdder();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        double seconds;
        Path file = dir.resolve("midge.mv.db");
        long peak;
        long idle;
        double idleSeconds;
        try (MidgeBroker broker = MidgeBroker.start(Brokers.options(dir))) {
            int port = broker.port();
            for (int from = 0; from < sessions; from += CONNECTS_AT_ONCE) {
                createOfflineSessions(port, from, Math.min(sessions, from + CONNECTS_AT_ONCE));
            }
            for (int i = 0; i < sessions; i++) {
                Brokers.awaitOffline(broker, "s-" + i);
            }
            List<Mqtt3AsyncClient> clients = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                clients.add(Brokers.publisher(port, "filler-" + p));
            }
            byte[] payload = new byte[64];
            Semaphore window = new Semaphore(WINDOW);
            long start = System.nanoTime();
            published = 0;
            for (int m = 0; m < messagesPerSession; m++) {
                for (int i = 0; i < sessions; i++) {
                    window.acquire();
                    clients.get(i % PUBLISHERS).publishWith().topic("restore/" + i).qos(MqttQos.AT_LEAST_ONCE)
                            .payload(payload).send().whenComplete((r, e) -> {
                                if (e != null) {
                                    failed.increment();
                                    firstFailure.compareAndSet(null, e.toString());
                                }
                                window.release();
                            });
                    published++;
                }
            }
            if (!window.tryAcquire(WINDOW, 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("publishes still unacknowledged after 60 s");
            }
            seconds = (System.nanoTime() - start) / 1e9;
            for (Mqtt3AsyncClient c : clients) {
                c.disconnect().get(10, TimeUnit.SECONDS);
            }
            peak = Files.size(file);
            long idleStart = System.nanoTime();
            idle = settledSize(file);
            idleSeconds = (System.nanoTime() - idleStart) / 1e9;
        }
        return new Fill(seconds, published, failed.sum(), firstFailure.get(), peak, idle, idleSeconds,
                Files.size(file), StoreFillRate.of(file));
    }

    /** The file size once it has not shrunk for 10 s (at most 60 s): what idle housekeeping leaves. */
    private static long settledSize(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long smallest = Files.size(file);
        long smallestAt = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - smallestAt < TimeUnit.SECONDS.toNanos(10)) {
            Thread.sleep(250); // sampling a file size over time, not waiting for an event
            long size = Files.size(file);
            if (size < smallest) {
                smallest = size;
                smallestAt = System.nanoTime();
            }
        }
        return smallest;
    }

    private static void createOfflineSessions(int port, int from, int to) throws Exception {
        List<CompletableFuture<?>> done = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Mqtt5AsyncClient c = Brokers.v5(port, "s-" + i);
            String topic = "restore/" + i;
            done.add(c.connectWith().cleanStart(true).sessionExpiryInterval(24 * 3600).send()
                    .thenCompose(ack -> c.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send())
                    .thenCompose(subAck -> c.disconnect()));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    private static RestoreProbe.Result inFreshJvm(Path dir, String clientId, int expected) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RestoreProbe.class.getName(), dir.toString(), clientId, Integer.toString(expected))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("RESTORE ")) {
                    result = line;
                } else {
                    System.out.println(line);
                }
            }
        }
        if (!child.waitFor(120, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new IllegalStateException("the restore in a fresh JVM did not finish in 120 s");
        }
        if (child.exitValue() != 0 || result == null) {
            throw new IllegalStateException("the restore in a fresh JVM failed (exit " + child.exitValue() + ")");
        }
        return RestoreProbe.Result.parse(result);
    }
}

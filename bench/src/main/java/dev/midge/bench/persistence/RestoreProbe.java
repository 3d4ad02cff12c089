package dev.midge.bench.persistence;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import dev.midge.broker.MidgeBroker;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts a broker on an existing store and times {@code MidgeBroker.start} until it returns,
 * then until one restored session's client, connecting at once, has its first and its last
 * queued message. Runs in the benchmark's JVM (warm) or as {@link #main} in a fresh one (cold),
 * as a restart after a crash would.
 */
final class RestoreProbe {

    /** Milliseconds from just before {@code start}; {@code received} of the session's queued messages. */
    record Result(double startMs, double firstMessageMs, double allMessagesMs, boolean sessionPresent, int received) {

        String line() {
            return String.format(Locale.ROOT, "RESTORE %.1f %.1f %.1f %b %d",
                    startMs, firstMessageMs, allMessagesMs, sessionPresent, received);
        }

        static Result parse(String line) {
            String[] f = line.trim().split(" ");
            return new Result(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Boolean.parseBoolean(f[4]), Integer.parseInt(f[5]));
        }
    }

    private RestoreProbe() {
    }

    static Result measure(Path dir, String clientId, int expected) throws Exception {
        long t0 = System.nanoTime();
        try (MidgeBroker broker = MidgeBroker.start(Brokers.options(dir))) {
            long started = System.nanoTime();
            AtomicLong first = new AtomicLong();
            CountDownLatch all = new CountDownLatch(expected);
            Mqtt5AsyncClient client = Brokers.v5(broker.port(), clientId);
            client.publishes(MqttGlobalPublishFilter.ALL, p -> {
                first.compareAndSet(0, System.nanoTime());
                all.countDown();
            });
            Mqtt5ConnAck ack = client.connectWith().cleanStart(false).sessionExpiryInterval(3600).send()
                    .get(Brokers.CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            boolean complete = all.await(30, TimeUnit.SECONDS);
            long last = System.nanoTime();
            client.disconnect().get(10, TimeUnit.SECONDS);
            int received = (int) (expected - all.getCount());
            return new Result(ms(started - t0), first.get() == 0 ? Double.NaN : ms(first.get() - t0),
                    complete ? ms(last - t0) : Double.NaN, ack.isSessionPresent(), received);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** {@code RestoreProbe DIR CLIENT-ID EXPECTED}: prints one {@code RESTORE ...} line. */
    public static void main(String[] args) throws Exception {
        System.out.println(measure(Path.of(args[0]), args[1], Integer.parseInt(args[2])).line());
        System.exit(0); // the HiveMQ client's threads would keep this JVM alive a while
    }
}

package dev.midge.bench.persistence;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The two persistence figures of issue 6, as a table: QoS 1 publish throughput with the store
 * off and on (and the ratio), and how long a broker takes to start on a store of S sessions × M
 * queued messages. In-process brokers on 127.0.0.1, port 0; bounded in time and count.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.midge.bench.persistence.PersistenceBench
 *     [--seconds 10] [--warmup 5] [--publishers 4] [--sessions 1000] [--messages 100]</pre>
 */
public final class PersistenceBench {

    private PersistenceBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int warmup = 5;
        int publishers = 4;
        int sessions = 1000;
        int messages = 100;
        for (int i = 0; i < args.length; i++) {
            int value = i + 1 < args.length ? Integer.parseInt(args[i + 1]) : -1;
            switch (args[i]) {
                case "--seconds" -> seconds = value;
                case "--warmup" -> warmup = value;
                case "--publishers" -> publishers = value;
                case "--sessions" -> sessions = value;
                case "--messages" -> messages = value;
                default -> {
                    System.err.println("unknown option " + args[i]
                            + "; options: --seconds --warmup --publishers --sessions --messages");
                    System.exit(2);
                }
            }
            i++;
        }
        System.out.printf("# %s, load %s%n", Instant.now(), load());
        throughput(publishers, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds));
        restore(sessions, messages);
        System.out.printf("# done %s, load %s%n", Instant.now(), load());
        System.exit(0); // HiveMQ client threads linger for a while; the figures are printed
    }

    private static void throughput(int publishers, Duration warmup, Duration measure) throws Exception {
        System.out.printf("%n## QoS 1 publish throughput: %d publishers (MQTT 3.1.1, window 1000 each), 64-byte payload, "
                + "%d s warm-up + %d s measured; PUBACKs per second%n%n", publishers, warmup.toSeconds(), measure.toSeconds());
        System.out.println("| subscriber to bench/t/+ | persistence off | persistence on | on / off |");
        System.out.println("|---|---:|---:|---:|");
        for (PublishThroughput.Reader reader : PublishThroughput.Reader.values()) {
            PublishThroughput.Result off = PublishThroughput.run(false, reader, publishers, warmup, measure);
            PublishThroughput.Result on = PublishThroughput.run(true, reader, publishers, warmup, measure);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f |%n", describe(reader), rate(off), rate(on),
                    on.pubackedPerSecond() / off.pubackedPerSecond());
            failures(off, "off");
            failures(on, "on");
            if (reader == PublishThroughput.Reader.ONLINE_CLEAN_SESSION) {
                System.out.printf(Locale.ROOT, "# the online subscriber (a HiveMQ v5 client in this JVM, 20 in flight) received %,.0f msg/s (off)"
                        + " and %,.0f msg/s (on): it lags the publishers, so its queue is full and drops the oldest,"
                        + " as the offline session's does%n",
                        off.deliveredPerSecond(), on.deliveredPerSecond());
            }
        }
    }

    private static void restore(int sessions, int messages) throws Exception {
        RestoreTime.Result r = RestoreTime.run(sessions, messages);
        RestoreTime.Fill fill = r.fill();
        System.out.printf(Locale.ROOT, "%n## Restore: %,d persistent sessions × %d queued QoS 1 messages (64 bytes) = %,d messages%n%n",
                sessions, messages, (long) sessions * messages);
        System.out.println("| what | figure |");
        System.out.println("|---|---:|");
        System.out.printf(Locale.ROOT, "| filling through the broker (4 publishers, persistence on) | %,d msg/s (%,d in %.1f s) |%n",
                Math.round(fill.published() / fill.seconds()), fill.published(), fill.seconds());
        System.out.printf(Locale.ROOT, "| store file midge.mv.db when the last PUBACK came | %.1f MB |%n",
                fill.peakBytes() / 1e6);
        System.out.printf(Locale.ROOT, "| … once idle housekeeping settled (smallest size within %.0f s after) | %.1f MB |%n",
                fill.idleSeconds(), fill.idleBytes() / 1e6);
        System.out.printf(Locale.ROOT, "| … after close | %.1f MB (%,d bytes) |%n",
                fill.storeBytes() / 1e6, fill.storeBytes());
        if (fill.fillRate() != null) {
            StoreFillRate rate = fill.fillRate();
            System.out.printf(Locale.ROOT, "| … of which live (H2: %d%% of the file in chunks in use, %d%% live in them) | ≈ %.1f MB |%n",
                    rate.fileFillPercent(), rate.chunksFillPercent(), rate.liveBytes(fill.storeBytes()) / 1e6);
        }
        System.out.printf(Locale.ROOT, "| `MidgeBroker.start` returns (fresh JVM, empty store, for comparison) | %.0f ms |%n",
                r.emptyCold().startMs());
        probe("fresh JVM", "s-0", r.cold(), messages);
        probe("same JVM, warm", "s-1", r.warm(), messages);
        if (fill.failed() > 0) {
            System.out.printf("# %d publishes failed while filling, first: %s%n", fill.failed(), fill.firstFailure());
        }
    }

    private static void probe(String where, String clientId, RestoreProbe.Result p, int messages) {
        System.out.printf(Locale.ROOT, "| `MidgeBroker.start` returns (%s) | %.0f ms |%n", where, p.startMs());
        System.out.printf(Locale.ROOT, "| … until %s, connecting then, has its first queued message (%s) | %.0f ms |%n",
                clientId, where, p.firstMessageMs());
        System.out.printf(Locale.ROOT, "| … until it has all %d (%s; session present: %b, received %d) | %.0f ms |%n",
                messages, where, p.sessionPresent(), p.received(), p.allMessagesMs());
    }

    private static String describe(PublishThroughput.Reader reader) {
        return switch (reader) {
            case OFFLINE_PERSISTENT_SESSION -> "persistent session, offline (every message stored before PUBACK)";
            case ONLINE_CLEAN_SESSION -> "clean session, online (nothing to store)";
        };
    }

    private static String rate(PublishThroughput.Result r) {
        return String.format(Locale.ROOT, "%,d", Math.round(r.pubackedPerSecond()));
    }

    private static void failures(PublishThroughput.Result r, String mode) {
        if (r.failed() > 0) {
            System.out.printf("# persistence %s: %d publishes failed, first: %s%n", mode, r.failed(), r.firstFailure());
        }
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}

package dev.midge.bench.sidebyside;

import dev.midge.testing.IssuedCertificate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One publisher to one subscriber over mutual TLS with the real mosquitto clients, as a user
 * would pipe telemetry: {@code mosquitto_pub -l} (one message per line of its stdin: 64 x's from yes(1), 64-byte payloads)
 * as device {@code dev-0} to {@code /bench/dev-0/attrs}, {@code mosquitto_sub -C N} as
 * {@code backend} on {@code /bench/#}. A batch is timed from starting mosquitto_pub (once the
 * subscriber has its SUBACK) until mosquitto_sub has received all N and exited. The first batch
 * runs on a freshly started broker (what a device sees after a restart), then {@link #WARM_BATCHES}
 * more: the last one is the warm figure.
 */
final class PipeThroughput {

    static final int WARM_BATCHES = 3;

    record Batch(double perSecond, double cpuMicrosEach) {
    }

    record Result(Batch fresh, Batch warm) {
        @Override
        public String toString() {
            return String.format("fresh %.0f msg/s (%.1f µs CPU each), warm %.0f msg/s (%.1f µs CPU each)",
                    fresh.perSecond, fresh.cpuMicrosEach, warm.perSecond, warm.cpuMicrosEach);
        }
    }

    private PipeThroughput() {
    }

    static Result run(BrokerProcess broker, BenchPki pki, int qos, int messages) throws Exception {
        Batch fresh = batch(broker, pki, qos, messages, 0);
        Batch warm = fresh;
        for (int i = 1; i <= WARM_BATCHES; i++) {
            warm = batch(broker, pki, qos, messages, i);
        }
        return new Result(fresh, warm);
    }

    private static Batch batch(BrokerProcess broker, BenchPki pki, int qos, int messages, int round) throws Exception {
        IssuedCertificate backend = pki.client("backend");
        IssuedCertificate device = pki.client("dev-0");
        List<String> subCommand = new ArrayList<>(List.of("stdbuf", "-oL")); // its SUBACK line now, not once 4 KiB are buffered
        subCommand.addAll(client("mosquitto_sub", broker, pki, backend, qos, "-i", "backend-pipe-" + round,
                "-t", FleetFanIn.FILTER, "-C", Integer.toString(messages), "-d"));
        Process sub = new ProcessBuilder(subCommand).redirectErrorStream(true).start();
        List<String> seen = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(sub.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.contains("SUBACK")) {
                seen.add(line);
            }
            if (line == null) {
                throw new IOException("mosquitto_sub ended before its SUBACK: " + seen);
            }
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // the messages themselves: only their count matters, and -C counts them
                    }
                } catch (IOException ignored) {
                    // mosquitto_sub is gone
                }
            }, "mosquitto_sub-output");
            drain.setDaemon(true);
            drain.start();

            double cpu0 = broker.cpuMillis();
            long start = System.nanoTime();
            // The lines come from yes(1) through a shell pipe, as a user would pipe telemetry in.
            List<String> pubCommand = client("mosquitto_pub", broker, pki, device, qos, "-i", "dev-0",
                    "-t", "/bench/dev-0/attrs", "-l");
            String payload = "x".repeat(64);
            Process pub = new ProcessBuilder("sh", "-c", "yes " + payload + " | head -n " + messages + " | exec "
                    + String.join(" ", pubCommand)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!sub.waitFor(300, TimeUnit.SECONDS)) {
                pub.destroyForcibly();
                throw new IOException(broker.name() + ": mosquitto_sub did not receive " + messages + " within 300 s");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu1 = broker.cpuMillis();
            if (sub.exitValue() != 0) {
                throw new IOException(broker.name() + ": mosquitto_sub exited with " + sub.exitValue());
            }
            if (!pub.waitFor(60, TimeUnit.SECONDS) || pub.exitValue() != 0) {
                pub.destroyForcibly();
                throw new IOException(broker.name() + ": mosquitto_pub did not finish cleanly");
            }
            return new Batch(messages / seconds, (cpu1 - cpu0) * 1000.0 / messages);
        } finally {
            sub.destroyForcibly();
        }
    }

    private static List<String> client(String program, BrokerProcess broker, BenchPki pki, IssuedCertificate identity,
                                       int qos, String... more) {
        List<String> command = new ArrayList<>(List.of(program, "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
                "--cafile", pki.caFile().toString(), "--cert", identity.certFile().toString(),
                "--key", identity.keyFile().toString(), "-q", Integer.toString(qos)));
        command.addAll(List.of(more));
        return command;
    }
}

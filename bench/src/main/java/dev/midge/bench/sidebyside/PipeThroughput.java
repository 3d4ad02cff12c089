package dev.midge.bench.sidebyside;

import dev.midge.testing.IssuedCertificate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One publisher to one subscriber over mutual TLS with the real mosquitto clients, as a user
 * would pipe telemetry: {@code mosquitto_pub -l} (one message per line of its stdin: N lines of 64
 * x's from yes(1), then an end marker line) as device {@code dev-0} to {@code /bench/dev-0/attrs},
 * {@code mosquitto_sub} as {@code backend} on {@code /bench/#}. A batch is timed from starting
 * mosquitto_pub (once the subscriber has its SUBACK) to the last message that arrived before the
 * marker; what did not arrive before it is counted as dropped. A broker may drop the marker too
 * (mosquitto does past {@code max_queued_messages}): once mosquitto_pub has finished and nothing
 * arrived for a second, a second client publishes it again, until it arrives or
 * {@link #MARKER_DEADLINE_SECONDS} pass, when the batch reports what arrived so far. The first
 * batch runs on a freshly started broker (what a device sees after a restart), then
 * {@link #WARM_BATCHES} more: the last one is the warm figure.
 */
final class PipeThroughput {

    static final int WARM_BATCHES = 3;
    static final int PUBLISH_DEADLINE_SECONDS = 300;
    static final int MARKER_DEADLINE_SECONDS = 120;
    private static final String MARKER = "midge-bench-end-of-run";

    /**
     * @param perSecond      delivered before the marker / seconds from the start to the last of them
     * @param cpuMicrosEach  the broker's CPU time over the batch per delivered message
     * @param problem        null, or why the batch ended without its marker or its publisher finishing
     */
    record Batch(double perSecond, double cpuMicrosEach, long published, long delivered, String problem) {
        long dropped() {
            return published - delivered;
        }

        @Override
        public String toString() {
            return String.format("%.0f msg/s (%.1f µs CPU each), %d of %d delivered%s", perSecond, cpuMicrosEach,
                    delivered, published, problem == null ? "" : " (" + problem + ")");
        }
    }

    record Result(Batch fresh, Batch warm, long published, long delivered) {
        double droppedPercent() {
            return published == 0 ? Double.NaN : 100.0 * (published - delivered) / published;
        }

        @Override
        public String toString() {
            return "fresh " + fresh + ", warm " + warm + String.format("; all batches: %d of %d delivered", delivered,
                    published);
        }
    }

    private PipeThroughput() {
    }

    static Result run(BrokerProcess broker, BenchPki pki, int qos, int messages) throws Exception {
        Batch fresh = batch(broker, pki, qos, messages, 0);
        Batch warm = fresh;
        long published = fresh.published();
        long delivered = fresh.delivered();
        for (int i = 1; i <= WARM_BATCHES; i++) {
            warm = batch(broker, pki, qos, messages, i);
            published += warm.published();
            delivered += warm.delivered();
        }
        return new Result(fresh, warm, published, delivered);
    }

    private static Batch batch(BrokerProcess broker, BenchPki pki, int qos, int messages, int round) throws Exception {
        IssuedCertificate backend = pki.client("backend");
        IssuedCertificate device = pki.client("dev-0");
        List<String> subCommand = new ArrayList<>(List.of("stdbuf", "-oL")); // its SUBACK line now, not once 4 KiB are buffered
        subCommand.addAll(client("mosquitto_sub", broker, pki, backend, qos, "-i", "backend-pipe-" + round,
                "-t", FleetFanIn.FILTER, "-d"));
        Process sub = new ProcessBuilder(subCommand).redirectErrorStream(true).start();
        Process pub = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(sub.getInputStream(), StandardCharsets.UTF_8));
            List<String> seen = new ArrayList<>();
            String line;
            while ((line = out.readLine()) != null && !line.contains("SUBACK")) {
                seen.add(line);
            }
            if (line == null) {
                throw new IOException("mosquitto_sub ended before its SUBACK: " + seen);
            }
            String payload = "x".repeat(64);
            Arrivals arrivals = new Arrivals(out, payload);

            double cpu0 = broker.cpuMillis();
            long start = System.nanoTime();
            // The lines come from yes(1) through a shell pipe, as a user would pipe telemetry in. -d: its
            // "sending PUBLISH" lines count what it published; mosquitto_pub -l at QoS 1 sends only
            // part of a fast stdin (2.0.11: about a third of 100,000 lines) whichever broker it talks
            // to, so N is not what was published.
            List<String> pubCommand = client("mosquitto_pub", broker, pki, device, qos, "-i", "dev-0",
                    "-t", "/bench/dev-0/attrs", "-l", "-d");
            pub = new ProcessBuilder("sh", "-c", "{ yes " + payload + " | head -n " + messages + "; echo " + MARKER
                    + "; } | exec " + String.join(" ", pubCommand)).redirectErrorStream(true).start();
            Published published = new Published(pub);
            String problem = null;
            if (!pub.waitFor(PUBLISH_DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                problem = "mosquitto_pub had not finished after " + PUBLISH_DEADLINE_SECONDS + " s";
            } else if (pub.exitValue() != 0) {
                problem = "mosquitto_pub exited with " + pub.exitValue();
            }
            published.reader.join(TimeUnit.SECONDS.toMillis(30));
            long markerDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MARKER_DEADLINE_SECONDS);
            long lastCount = -1;
            while (!arrivals.marker.isDone() && System.nanoTime() < markerDeadline) {
                try {
                    arrivals.marker.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException notYet) {
                    long count = arrivals.counted;
                    if (count == lastCount && problem == null) {
                        // Nothing arrived for a second after mosquitto_pub finished: the marker was dropped.
                        republishMarker(broker, pki, device, qos, round);
                    }
                    lastCount = count;
                }
            }
            double cpu1 = broker.cpuMillis();
            if (!arrivals.marker.isDone()) {
                problem = (problem == null ? "" : problem + "; ") + "no end marker within " + MARKER_DEADLINE_SECONDS
                        + " s: counted what arrived so far";
            }
            long delivered = arrivals.counted;
            double seconds = (arrivals.lastArrival - start) / 1e9;
            long sent = published.count;
            return new Batch(delivered == 0 ? 0 : delivered / seconds,
                    delivered == 0 ? Double.NaN : (cpu1 - cpu0) * 1000.0 / delivered, sent, delivered, problem);
        } finally {
            if (pub != null) {
                pub.destroyForcibly();
            }
            sub.destroyForcibly();
        }
    }

    /** A second client (dev-0's certificate, another client id) publishes the end marker once. */
    private static void republishMarker(BrokerProcess broker, BenchPki pki, IssuedCertificate device, int qos, int round)
            throws IOException, InterruptedException {
        Process marker = new ProcessBuilder(client("mosquitto_pub", broker, pki, device, qos, "-i",
                "dev-0-marker-" + round, "-t", "/bench/dev-0/attrs", "-m", MARKER))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!marker.waitFor(30, TimeUnit.SECONDS)) {
            marker.destroyForcibly();
        }
    }

    /**
     * Counts in mosquitto_pub's {@code -d} output what it published: each first "sending PUBLISH"
     * ({@code d0}; a resent one is {@code d1}) but the marker's, which its size tells. Not its
     * PUBACKs: at QoS 1 it may disconnect before the last ones, which the subscriber gets all the same.
     */
    private static final class Published {
        final Thread reader;
        volatile long count;

        Published(Process pub) {
            BufferedReader out = new BufferedReader(new InputStreamReader(pub.getInputStream(), StandardCharsets.UTF_8));
            String markerSize = "(" + MARKER.length() + " bytes))";
            reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.contains("sending PUBLISH (d0") && !line.endsWith(markerSize)) {
                            count++;
                        }
                    }
                } catch (IOException ignored) {
                    // mosquitto_pub is gone
                }
            }, "mosquitto_pub-output");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /**
     * Reads mosquitto_sub's output on its own thread: counts the payload lines before the first
     * marker line and notes when the last of them arrived ({@code -d}'s debug lines are neither).
     */
    private static final class Arrivals {
        final CompletableFuture<Void> marker = new CompletableFuture<>();
        volatile long counted;
        volatile long lastArrival = System.nanoTime();

        Arrivals(BufferedReader out, String payload) {
            Thread reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.equals(payload)) {
                            if (!marker.isDone()) {
                                counted++;
                                lastArrival = System.nanoTime();
                            }
                        } else if (line.equals(MARKER)) {
                            marker.complete(null);
                        }
                    }
                } catch (IOException ignored) {
                    // mosquitto_sub is gone
                }
            }, "mosquitto_sub-output");
            reader.setDaemon(true);
            reader.start();
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

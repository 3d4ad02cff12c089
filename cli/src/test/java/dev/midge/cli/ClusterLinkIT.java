package dev.midge.cli;

import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node-to-node message link under a flood, on three broker.jar nodes over mutual TLS with the
 * real mosquitto clients (one cluster start for both floods, each from its own node to node 2):
 * a SUBACK does not wait behind the messages queued for another node (a QoS 0 flood from node 3,
 * whose queue has the default bound), and the queue for another node stays near its bound under a
 * QoS 1 flood (its publisher is paused, not refused) with nothing acknowledged lost or reordered
 * (from node 1, whose bound is small, {@code midge_cluster_max_queued_messages 100}, so that a
 * publisher with many messages in flight outruns the link whatever the machine's speed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterLinkIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Three JVMs joining on a shared, busy machine: each may take minutes. */
    private static final Duration STARTUP = Duration.ofMinutes(4);
    private static final Duration FLOOD = Duration.ofMinutes(5);
    private static final int HIGH_WATER = 100;
    /** The node of the QoS 1 flood, with the small bound. */
    private static final int BOUNDED = 0;
    /** The node of the QoS 0 flood and the timed SUBSCRIBE, with the default bound. */
    private static final int UNBOUNDED = 2;

    @TempDir
    static Path work;

    private ThreeNodeCluster cluster;
    private final int[] metricsPorts = new int[3];

    @BeforeAll
    void startThreeNodes() throws Exception {
        for (int i = 0; i < 3; i++) {
            metricsPorts[i] = Ports.freePort();
        }
        // No queue limit for the subscribers: what is tested is the link, not a slow mosquitto_sub.
        cluster = ThreeNodeCluster.start(work, List.of("flooder", "sink", "late"), false, STARTUP,
                ThreeNodeCluster.ConfAdditions.after(i -> "max_queued_messages 0\nmidge_metrics_listener 127.0.0.1:"
                        + metricsPorts[i] + "\n"
                        + (i == BOUNDED ? "midge_cluster_max_queued_messages " + HIGH_WATER + "\n" : "")));
    }

    @AfterAll
    void stopNodes() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * A SUBSCRIBE on node 3 right after 400,000 QoS 0 messages flooded from node 3 to node 2:
     * its SUBACK (which waits for the route to be on the other nodes) comes within a second. When
     * route writes shared the one sender thread with the messages, it waited until node 1 had
     * sent everything queued before it (seconds here).
     */
    @Test
    void aSubackDoesNotWaitBehindMessagesQueuedForAnotherNode() throws Exception {
        int n = 400_000;
        List<String> lines = new ArrayList<>(n);
        String padding = "y".repeat(100);
        for (int i = 0; i < n; i++) {
            lines.add(i + " " + padding);
        }
        Path input = Files.write(work.resolve("qos0-flood.txt"), lines);

        try (RunningSubscriber sink = MosquittoClients.subscribe(tls(1, "sink"), "-t", "fleet/q0", "-q", "0");
             RunningSubscriber end = MosquittoClients.subscribe(tls(1, "sink"), "-t", "fleet/q0-end", "-q", "1",
                     "-C", "1")) {
            assertNotNull(sink.awaitSubscribed(WAIT), () -> "no SUBACK: " + sink);
            assertNotNull(end.awaitSubscribed(WAIT), () -> "no SUBACK: " + end);
            ProcessResult published = flood(UNBOUNDED, input, "fleet/q0", "0");
            assertEquals(0, published.exitCode(), published::toString);
            assertNotNull(sink.awaitLine(WAIT), "the flood never reached node 2");

            long subackMillis = subscribeTimed(UNBOUNDED, "late", "fleet/late/#");
            long start = System.nanoTime();
            // The backlog was real: a marker published now arrives only after it.
            assertEquals(0, MosquittoClients.publish(tls(UNBOUNDED, "flooder"), "-t", "fleet/q0-end", "-m", "end", "-q", "1")
                    .exitCode());
            assertEquals("end", end.awaitLine(FLOOD));
            long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("QoS 0 flood: SUBACK %d ms after its SUBSCRIBE; the flood's backlog drained %d ms after it%n",
                    subackMillis, drainMillis);
            assertTrue(subackMillis < 1_000, "the SUBACK came " + subackMillis + " ms after its SUBSCRIBE: it waited "
                    + "behind the flood queued for node 2 (drained " + drainMillis + " ms after the SUBACK)");
        }
    }

    /**
     * Subscribes on {@code node} with {@code mosquitto_sub -d} and returns the milliseconds from
     * its "sending SUBSCRIBE" line to its "received SUBACK" line: the broker's time only, not the
     * process start or the TLS handshake.
     */
    private long subscribeTimed(int node, String device, String filter) throws Exception {
        List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", "mosquitto_sub", "-d"));
        command.addAll(List.of(tls(node, device).args()));
        command.addAll(List.of("-t", filter, "-q", "1"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            long sent = -1;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.contains("sending SUBSCRIBE")) {
                    sent = System.nanoTime();
                } else if (line.contains("received SUBACK") && sent >= 0) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
                }
            }
            throw new AssertionError("mosquitto_sub ended without a SUBACK");
        } finally {
            p.destroy();
        }
    }

    /**
     * 50,000 QoS 1 messages of 600 bytes (about 30 MB) from a publisher on node 1 that keeps up
     * to 5,000 in flight, to a subscriber on node 2: all arrive, in order, the marker last, and
     * node 1 never queued more for node 2 than its high-water mark and what its publisher had
     * already sent when it was paused (one socket read); without the pause it holds whatever the
     * publisher got ahead of the link.
     */
    @Test
    void aQos1FloodToAnotherNodeArrivesInOrderWhileItsQueueStaysBounded() throws Exception {
        int n = 50_000;
        String padding = "x".repeat(600);
        List<String> lines = new ArrayList<>(n + 1);
        for (int i = 0; i < n; i++) {
            lines.add(String.format("%06d %s", i, padding));
        }
        lines.add("marker");
        Path input = Files.write(work.resolve("qos1-flood.txt"), lines);

        try (RunningSubscriber sink = MosquittoClients.subscribe(tls(1, "sink"), "-t", "fleet/flood", "-q", "1",
                "-C", Integer.toString(n + 1))) {
            assertNotNull(sink.awaitSubscribed(WAIT), () -> "no SUBACK: " + sink);
            ProcessResult published = flood(BOUNDED, input, "fleet/flood", "1", "-M", "5000");
            assertEquals(0, published.exitCode(), published::toString);
            for (int i = 0; i < n; i++) {
                String line = sink.awaitLine(WAIT);
                assertNotNull(line, "message " + i + " never arrived");
                assertEquals(String.format("%06d", i), line.substring(0, Math.min(6, line.length())),
                        "out of order or lost at " + i);
            }
            assertEquals("marker", sink.awaitLine(WAIT));
        }
        double peak = metric(BOUNDED, "midge_cluster_queue_peak_messages{node=\"node-2\"}");
        System.out.printf("QoS 1 flood: node 1's queue to node 2 peaked at %.0f messages%n", peak);
        assertTrue(peak <= 4 * HIGH_WATER, "node 1 queued " + peak + " messages for node 2, far over its high-water mark of "
                + HIGH_WATER + ": its publisher was not paused");
    }

    /** Publishes each line of {@code input} (mosquitto_pub -l) from {@code node} as flooder and waits until it is done. */
    private ProcessResult flood(int node, Path input, String topic, String qos, String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of("mosquitto_pub"));
        command.addAll(List.of(tls(node, "flooder").args()));
        command.addAll(List.of("-l", "-t", topic, "-q", qos));
        command.addAll(List.of(more));
        Process p = new ProcessBuilder(command).redirectInput(input.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(FLOOD.toSeconds(), TimeUnit.SECONDS), "the flood did not end");
        return new ProcessResult(p.exitValue(), output, "");
    }

    private double metric(int node, String series) {
        ProcessResult r = MosquittoClients.run(List.of("curl", "-sS", "http://127.0.0.1:" + metricsPorts[node] + "/metrics"),
                WAIT);
        assertEquals(0, r.exitCode(), r::toString);
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(r.stdout());
        assertTrue(m.find(), () -> "no sample " + series + " in:\n" + r.stdout());
        return Double.parseDouble(m.group(1));
    }

    private MosquittoClients.Options tls(int node, String device) {
        return MosquittoClients.options(cluster.mqttPorts[node]).cafile(cert("ca.crt"))
                .cert(cert(device + ".crt"), cert(device + ".key"));
    }

    private String cert(String name) {
        return work.resolve("certs").resolve(name).toString();
    }
}

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
 * The queue of messages for another node under a QoS 1 flood, on three broker.jar nodes over
 * mutual TLS with the real mosquitto clients: it stays near its bound (its publisher is paused,
 * not refused), and nothing acknowledged is lost or reordered. Node 1's bound is small
 * ({@code midge_cluster_max_queued_messages 100}) so that a publisher with many messages in flight
 * outruns the link whatever the machine's speed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterSendQueueIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Three JVMs joining on a shared, busy machine: each may take minutes. */
    private static final Duration STARTUP = Duration.ofMinutes(4);
    private static final Duration FLOOD = Duration.ofMinutes(5);
    private static final int HIGH_WATER = 100;

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
                        + metricsPorts[i] + "\n" + "midge_cluster_max_queued_messages " + HIGH_WATER + "\n"));
    }

    @AfterAll
    void stopNodes() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
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
            ProcessResult published = flood(input, "fleet/flood", "1", "-M", "5000");
            assertEquals(0, published.exitCode(), published::toString);
            for (int i = 0; i < n; i++) {
                String line = sink.awaitLine(WAIT);
                assertNotNull(line, "message " + i + " never arrived");
                assertEquals(String.format("%06d", i), line.substring(0, Math.min(6, line.length())),
                        "out of order or lost at " + i);
            }
            assertEquals("marker", sink.awaitLine(WAIT));
        }
        double peak = metric(0, "midge_cluster_queue_peak_messages{node=\"node-2\"}");
        System.out.printf("QoS 1 flood: node 1's queue to node 2 peaked at %.0f messages%n", peak);
        assertTrue(peak <= 4 * HIGH_WATER, "node 1 queued " + peak + " messages for node 2, far over its high-water mark of "
                + HIGH_WATER + ": its publisher was not paused");
    }

    /** Publishes each line of {@code input} (mosquitto_pub -l) from node 1 and waits until it is done. */
    private ProcessResult flood(Path input, String topic, String qos, String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of("mosquitto_pub"));
        command.addAll(List.of(tls(0, "flooder").args()));
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

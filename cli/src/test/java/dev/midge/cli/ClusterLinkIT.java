package dev.midge.cli;

import dev.midge.testing.MosquittoClients;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node-to-node message link under a flood, on three broker.jar nodes over mutual TLS with the
 * real mosquitto clients: a SUBACK does not wait behind the messages queued for another node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterLinkIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Three JVMs joining on a shared, busy machine: each may take minutes. */
    private static final Duration STARTUP = Duration.ofMinutes(4);
    private static final Duration FLOOD = Duration.ofMinutes(5);

    @TempDir
    static Path work;

    private ThreeNodeCluster cluster;

    @BeforeAll
    void startThreeNodes() throws Exception {
        // No queue limit for the subscribers: what is tested is the link, not a slow mosquitto_sub.
        cluster = ThreeNodeCluster.start(work, List.of("flooder", "sink", "late"), false, STARTUP,
                ThreeNodeCluster.ConfAdditions.after(i -> "max_queued_messages 0\n"));
    }

    @AfterAll
    void stopNodes() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * A SUBSCRIBE on node 1 right after 400,000 QoS 0 messages flooded from node 1 to node 2:
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
            ProcessResult published = flood(input, "fleet/q0", "0");
            assertEquals(0, published.exitCode(), published::toString);
            assertNotNull(sink.awaitLine(WAIT), "the flood never reached node 2");

            long subackMillis = subscribeTimed(0, "late", "fleet/late/#");
            long start = System.nanoTime();
            // The backlog was real: a marker published now arrives only after it.
            assertEquals(0, MosquittoClients.publish(tls(0, "flooder"), "-t", "fleet/q0-end", "-m", "end", "-q", "1")
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

    private MosquittoClients.Options tls(int node, String device) {
        return MosquittoClients.options(cluster.mqttPorts[node]).cafile(cert("ca.crt"))
                .cert(cert(device + ".crt"), cert(device + ".key"));
    }

    private String cert(String name) {
        return work.resolve("certs").resolve(name).toString();
    }
}

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
                i -> "max_queued_messages 0\n");
    }

    @AfterAll
    void stopNodes() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * A SUBSCRIBE on node 1 while 300,000 QoS 0 messages flood from node 1 to node 2: its SUBACK
     * (which waits for the route to be on the other nodes) comes within seconds. When route
     * writes shared the one sender thread with the messages, it waited until node 1 had sent
     * everything queued before it, some 15 s here.
     */
    @Test
    void aSubackDoesNotWaitBehindMessagesQueuedForAnotherNode() throws Exception {
        int n = 300_000;
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

            long start = System.nanoTime();
            try (RunningSubscriber late = MosquittoClients.subscribe(tls(0, "late"), "-t", "fleet/late/#", "-q", "1")) {
                assertNotNull(late.awaitSubscribed(WAIT), () -> "no SUBACK: " + late);
            }
            long subackMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // The backlog was real: a marker published now arrives only after it.
            assertEquals(0, MosquittoClients.publish(tls(0, "flooder"), "-t", "fleet/q0-end", "-m", "end", "-q", "1")
                    .exitCode());
            assertEquals("end", end.awaitLine(FLOOD));
            long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("QoS 0 flood: SUBACK after %d ms; the flood's backlog drained after %d ms%n",
                    subackMillis, drainMillis);
            assertTrue(subackMillis < 5_000, "the SUBACK took " + subackMillis + " ms: it waited behind the flood "
                    + "queued for node 2 (drained after " + drainMillis + " ms)");
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

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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared subscriptions ({@code $share/G/F}) across three broker.jar nodes: a group with members on
 * several nodes gets each message once (MQTT 5 §4.8.2), spread over the nodes; a normal
 * subscription next to a member still gets every message, once. Real mosquitto clients over
 * mutual TLS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterSharedSubscriptionsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int N = 20;
    private static final String TOPIC = "fleet/share/t1";

    @TempDir
    static Path work;

    private ThreeNodeCluster cluster;

    @BeforeAll
    void startThreeNodes() throws Exception {
        cluster = ThreeNodeCluster.start(work, List.of("pub1", "watch2"), false, WAIT);
        // The ACL decides a shared subscription on its $share/G/F text (as mosquitto), receiving on the topic.
        for (String member : List.of("member2", "member3")) {
            cluster.run("device", "add", member, "--acl", "read $share/g/fleet/#", "--acl", "read fleet/#",
                    "--data", "data", "--out", "certs");
        }
    }

    @AfterAll
    void stopNodes() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void eachMessageToASharedGroupReachesOneMemberAcrossNodesAndNormalSubscribersStillGetEveryOne() throws Exception {
        try (RunningSubscriber member2 = subscribeOnceAllowed(1, "member2", "$share/g/fleet/#");
             RunningSubscriber member3 = subscribeOnceAllowed(2, "member3", "$share/g/fleet/#");
             RunningSubscriber watch2 = subscribe(1, "watch2", "fleet/#")) {
            awaitRouted(member2, member3, watch2);

            publishLines(0, "pub1", TOPIC, "reading-", N);
            // Each node gets node 1's messages in the order they were sent: a marker a member
            // receives comes after every reading that was meant for it.
            List<String> at2 = new ArrayList<>();
            List<String> at3 = new ArrayList<>();
            awaitMarkers(member2, at2, member3, at3);
            List<String> watched = new ArrayList<>();
            for (String line = watch2.awaitLine(WAIT); !line.contains(" marker-"); line = watch2.awaitLine(WAIT)) {
                if (line.contains(" reading-")) {
                    watched.add(line);
                }
            }

            assertEquals(readings(), new ArrayList<>(new TreeSet<>(watched)), "the normal subscriber gets all");
            assertEquals(N, watched.size(), "each once: " + watched);
            Set<String> both = new HashSet<>(at2);
            both.retainAll(at3);
            assertEquals(Set.of(), both, "no message reaches two members of the group");
            assertEquals(at2.size(), new HashSet<>(at2).size(), "once each: " + at2);
            assertEquals(at3.size(), new HashSet<>(at3).size(), "once each: " + at3);
            TreeSet<String> union = new TreeSet<>(at2);
            union.addAll(at3);
            assertEquals(readings(), new ArrayList<>(union), "every message reaches the group");
            // Round-robin over the nodes with members: they take turns.
            assertTrue(Math.abs(at2.size() - at3.size()) <= 1, "spread over both nodes: " + at2.size() + " and " + at3.size());
        }
    }

    private static List<String> readings() {
        TreeSet<String> all = new TreeSet<>();
        for (int n = 1; n <= N; n++) {
            all.add(TOPIC + " reading-" + n);
        }
        return new ArrayList<>(all);
    }

    /** Publishes probes on node 1 until each subscriber has had one: node 1 knows all their routes. */
    private void awaitRouted(RunningSubscriber... subscribers) throws Exception {
        Set<RunningSubscriber> waiting = new HashSet<>(List.of(subscribers));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!waiting.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "routes never reached node 1: " + waiting);
            assertEquals(0, publish(0, "pub1", "fleet/probe", "probe").exitCode());
            for (RunningSubscriber s : subscribers) {
                for (String line; (line = s.awaitLine(Duration.ofMillis(100))) != null; ) {
                    waiting.remove(s);
                }
            }
        }
    }

    /**
     * Publishes markers on node 1, each reaching one member, until both members have had one;
     * collects the readings each received (all before its first marker).
     */
    private void awaitMarkers(RunningSubscriber a, List<String> atA, RunningSubscriber b, List<String> atB)
            throws Exception {
        boolean aDone = false;
        boolean bDone = false;
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int k = 1; !(aDone && bDone); k++) {
            String marker = TOPIC + " marker-" + k;
            assertEquals(0, publish(0, "pub1", TOPIC, "marker-" + k).exitCode());
            boolean arrived = false;
            while (!arrived) {
                assertTrue(System.nanoTime() < deadline, marker + " reached no member");
                String line = a.awaitLine(Duration.ofMillis(50));
                if (line != null) {
                    aDone |= collect(line, atA);
                    arrived = line.equals(marker);
                }
                line = b.awaitLine(Duration.ofMillis(50));
                if (line != null) {
                    bDone |= collect(line, atB);
                    arrived |= line.equals(marker);
                }
            }
        }
    }

    /** Adds a reading to {@code into}; true when the line is a marker. */
    private static boolean collect(String line, List<String> into) {
        if (line.contains(" reading-")) {
            into.add(line);
        }
        return line.contains(" marker-");
    }

    /** {@code count} QoS 1 messages PREFIX1..PREFIXcount over one connection ({@code mosquitto_pub -l}). */
    private void publishLines(int node, String device, String topic, String prefix, int count) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int n = 1; n <= count; n++) {
            lines.append(prefix).append(n).append('\n');
        }
        Path input = Files.writeString(work.resolve("lines-" + System.nanoTime()), lines);
        List<String> command = new ArrayList<>(List.of("mosquitto_pub"));
        command.addAll(List.of(tls(node, device).args()));
        command.addAll(List.of("-t", topic, "-q", "1", "-l"));
        Process p = new ProcessBuilder(command).redirectInput(input.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "mosquitto_pub -l did not finish");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    /** Subscribes again until the node has read the ACL lines the member was added with. */
    private RunningSubscriber subscribeOnceAllowed(int node, String device, String filter) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (;;) {
            RunningSubscriber s = MosquittoClients.subscribe(tls(node, device), "-t", filter, "-v", "-q", "1");
            String suback = s.awaitSubscribed(WAIT);
            if (suback != null && !suback.endsWith(" 128")) {
                return s;
            }
            s.close();
            assertTrue(System.nanoTime() < deadline, () -> "never allowed: " + s + " " + s.stderr());
        }
    }

    private RunningSubscriber subscribe(int node, String device, String filter) throws InterruptedException {
        RunningSubscriber s = MosquittoClients.subscribe(tls(node, device), "-t", filter, "-v", "-q", "1");
        assertNotNull(s.awaitSubscribed(WAIT), () -> "no SUBACK: " + s + " " + s.stderr());
        return s;
    }

    private ProcessResult publish(int node, String device, String topic, String payload) {
        return MosquittoClients.publish(tls(node, device), "-t", topic, "-m", payload, "-q", "1");
    }

    private MosquittoClients.Options tls(int node, String device) {
        return MosquittoClients.options(cluster.mqttPorts[node]).cafile(cert("ca.crt"))
                .cert(cert(device + ".crt"), cert(device + ".key"));
    }

    private String cert(String name) {
        return work.resolve("certs").resolve(name).toString();
    }
}

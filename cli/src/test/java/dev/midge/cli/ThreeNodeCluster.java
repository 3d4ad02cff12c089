package dev.midge.cli;

import dev.midge.pki.DataDirectory;
import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Three broker.jar nodes of one cluster on loopback, each with a mutual-TLS listener, node
 * certificates from the data directory's CA ({@code device add NODE --profile node}) and the
 * devices the test names; for the cluster ITs. Node 2 (index 1) uses the data directory's CRL and
 * ACL, where {@code device revoke} writes; with {@code filesPerNode} nodes 1 and 3 have copies of
 * their own, as nodes on other hosts would, otherwise all three read the data directory's. Each
 * node also gets a partition file (the {@code MIDGE_CLUSTER_TEST_PARTITION_FILE} test hook), empty.
 * Node 2's listener runs on OpenSSL ({@link #OPENSSL_NODE}).
 */
final class ThreeNodeCluster implements AutoCloseable {

    /**
     * Node 2's MQTT listener always runs on BoringSSL (where broker.jar has it: linux-x86_64), nodes 1 and
     * 3's on the run's default: every cluster IT is then a mixed-provider cluster with devices on each, at
     * no extra time (these ITs are too slow to run twice).
     */
    static final int OPENSSL_NODE = 1;
    private static final boolean NATIVE_TLS = System.getProperty("os.name").equals("Linux")
            && System.getProperty("os.arch").equals("amd64");

    /** How long a client waits for a SUBACK, a probe or a marker. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    final Path work;
    final DataDirectory data;
    final int[] mqttPorts = new int[3];
    final int[] clusterPorts = new int[3];
    final List<BrokerProcess> nodes = new ArrayList<>();

    private ThreeNodeCluster(Path work) throws Exception {
        this.work = work;
        for (int i = 0; i < 3; i++) {
            mqttPorts[i] = Ports.freePort();
            clusterPorts[i] = Ports.freePort();
        }
        DataDirectory.openOrInitialize(work.resolve("data"), mqttPorts[1]);
        this.data = DataDirectory.open(work.resolve("data"));
    }

    /**
     * What a test adds to a node's conf (node index 0-2), asked once the data directory and the
     * certificates exist, so it may also write the files it names.
     */
    interface ConfAdditions {
        ConfAdditions NONE = new ConfAdditions() {
        };

        /** Lines before the listener (options that must come first, such as {@code per_listener_settings}). */
        default String first(ThreeNodeCluster cluster, int node) throws Exception {
            return "";
        }

        /** Lines after the cluster options (more listeners). */
        default String last(ThreeNodeCluster cluster, int node) throws Exception {
            return "";
        }

        /** {@code lines.apply(node)} after the cluster options: broker-wide options of the test's own. */
        static ConfAdditions after(java.util.function.IntFunction<String> lines) {
            return new ConfAdditions() {
                @Override
                public String last(ThreeNodeCluster cluster, int node) {
                    return lines.apply(node);
                }
            };
        }
    }

    /** Issues the certificates, writes the confs and starts the nodes; returns once node 1 sees all three. */
    static ThreeNodeCluster start(Path work, List<String> devices, boolean filesPerNode, Duration startup)
            throws Exception {
        return start(work, devices, filesPerNode, startup, ConfAdditions.NONE);
    }

    /** As {@link #start(Path, List, boolean, Duration)}, with lines of the test's own in each conf. */
    static ThreeNodeCluster start(Path work, List<String> devices, boolean filesPerNode, Duration startup,
                                  ConfAdditions additions) throws Exception {
        ThreeNodeCluster cluster = new ThreeNodeCluster(work);
        try {
            cluster.issue(devices);
            cluster.startNodes(filesPerNode, startup, additions);
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * broker.jar's own {@code device add}, run in this JVM (Main.execute): the same command as in
     * a shell, without a JVM start per certificate, which was most of a cluster IT's set-up time.
     */
    private void issue(List<String> devices) {
        String dataDir = work.resolve("data").toString();
        String out = work.resolve("certs").toString();
        for (String node : List.of("node-1", "node-2", "node-3")) {
            inProcess("device", "add", node, "--profile", "node", "--no-default-acl", "--data", dataDir, "--out", out);
        }
        for (String device : devices) {
            inProcess("device", "add", device, "--acl", "readwrite fleet/#", "--data", dataDir, "--out", out);
        }
    }

    private static void inProcess(String... args) {
        assertEquals(0, Main.execute(args), () -> "broker.jar " + String.join(" ", args));
    }

    private void startNodes(boolean filesPerNode, Duration startup, ConfAdditions additions) throws Exception {
        for (int i = 0; i < 3; i++) {
            boolean own = filesPerNode && i != 1;
            Path crl = own ? Files.copy(data.crlFile(), work.resolve("crl-" + (i + 1) + ".pem")) : data.crlFile();
            Path acl = own ? Files.copy(data.aclFile(), work.resolve("acl-" + (i + 1))) : data.aclFile();
            Files.writeString(work.resolve("node" + (i + 1) + ".conf"),
                    additions.first(this, i) + nodeConf(i, crl, acl) + additions.last(this, i));
            Files.writeString(partitionFile(i), "");
        }
        for (int i = 0; i < 3; i++) {
            BrokerProcess node = BrokerProcess.start(work,
                    Map.of("MIDGE_CLUSTER_TEST_PARTITION_FILE", partitionFile(i).toString()), "-c", "node" + (i + 1) + ".conf");
            nodes.add(node);
            node.awaitLine("Midge .* running", startup);
        }
        if (NATIVE_TLS) {
            nodes.get(OPENSSL_NODE).awaitLine("TLS handshakes for .* run by BoringSSL \\(midge_tls_provider openssl\\)",
                    startup);
        }
        // In any order: a node that started apart on a busy host joins by a merge.
        nodes.get(0).awaitLine("Cluster members now \\[(?=[^]]*node-1)(?=[^]]*node-2)(?=[^]]*node-3)", startup);
    }

    /** The file naming, one per line, the nodes this node ignores (empty: it sees the whole cluster). */
    Path partitionFile(int node) {
        return work.resolve("partition-" + (node + 1));
    }

    private String nodeConf(int i, Path crl, Path acl) {
        return """
                listener %d 127.0.0.1
                cafile %s
                certfile %s
                keyfile %s
                require_certificate true
                use_identity_as_username true
                crlfile %s
                acl_file %s
                %smidge_cluster_node node-%d
                midge_cluster_bind 127.0.0.1:%d
                midge_cluster_members 127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d
                midge_cluster_cafile certs/ca.crt
                midge_cluster_certfile certs/node-%d.crt
                midge_cluster_keyfile certs/node-%d.key
                """.formatted(mqttPorts[i], data.caChain(), data.serverCertificate(), data.serverKey(), crl, acl,
                i == OPENSSL_NODE && NATIVE_TLS ? "midge_tls_provider openssl\n" : "", i + 1, clusterPorts[i],
                clusterPorts[0], clusterPorts[1], clusterPorts[2], i + 1, i + 1);
    }

    /** mosquitto_sub on node {@code node} (index 0-2) as {@code device}, QoS 1, {@code -v}; returns once subscribed. */
    RunningSubscriber subscribe(int node, String device, String filter) throws InterruptedException {
        RunningSubscriber s = MosquittoClients.subscribe(tls(node, device), "-t", filter, "-v", "-q", "1");
        assertNotNull(s.awaitSubscribed(WAIT), () -> "no SUBACK: " + s);
        return s;
    }

    /** mosquitto_pub of one QoS 1 message on node {@code node} as {@code device}. */
    ProcessResult publish(int node, String device, String topic, String payload, String... more) {
        List<String> args = new ArrayList<>(List.of("-t", topic, "-m", payload, "-q", "1"));
        args.addAll(List.of(more));
        return MosquittoClients.publish(tls(node, device), args.toArray(String[]::new));
    }

    /**
     * Publishes probes on {@code node} as {@code device} until every subscriber has one (the
     * routes have reached it), then a marker that must come after the probes still in flight.
     */
    void awaitRouted(int node, String device, String topic, RunningSubscriber... subscribers) throws Exception {
        for (RunningSubscriber s : subscribers) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            String line = null;
            while (line == null && System.nanoTime() < deadline) {
                publish(node, device, topic, "probe");
                line = s.awaitLine(Duration.ofMillis(200));
            }
            assertEquals(topic + " probe", line, "routes never reached node " + (node + 1));
        }
        assertEquals(0, publish(node, device, topic, "marker").exitCode());
        for (RunningSubscriber s : subscribers) {
            String line;
            do {
                line = s.awaitLine(WAIT);
            } while (line != null && line.endsWith(" probe"));
            assertEquals(topic + " marker", line);
        }
    }

    /** The mosquitto client options for node {@code node} over mutual TLS as {@code device}. */
    MosquittoClients.Options tls(int node, String device) {
        return MosquittoClients.options(mqttPorts[node]).cafile(cert("ca.crt")).cert(cert(device + ".crt"),
                cert(device + ".key"));
    }

    /** A file the fixture issued into certs/ (node and device certificates and keys, ca.crt). */
    String cert(String name) {
        return work.resolve("certs").resolve(name).toString();
    }

    /** Runs broker.jar's CLI in the work directory and expects it to succeed. */
    void run(String... args) throws Exception {
        BrokerProcess.Result result = BrokerProcess.run(work, args);
        assertEquals(0, result.exitCode(), result.output());
    }

    @Override
    public void close() throws InterruptedException {
        for (BrokerProcess node : nodes) {
            node.close();
        }
    }
}

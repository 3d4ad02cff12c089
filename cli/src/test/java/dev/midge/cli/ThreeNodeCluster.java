package dev.midge.cli;

import dev.midge.pki.DataDirectory;
import dev.midge.testing.BrokerProcess;
import dev.midge.testing.Ports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Three broker.jar nodes of one cluster on loopback, each with a mutual-TLS listener, node
 * certificates from the data directory's CA ({@code device add NODE --profile node}) and the
 * devices the test names; for the cluster ITs. Node 2 (index 1) uses the data directory's CRL and
 * ACL, where {@code device revoke} writes; with {@code filesPerNode} nodes 1 and 3 have copies of
 * their own, as nodes on other hosts would, otherwise all three read the data directory's. Each
 * node also gets a partition file (the {@code MIDGE_CLUSTER_TEST_PARTITION_FILE} test hook), empty.
 */
final class ThreeNodeCluster implements AutoCloseable {

    final Path work;
    final DataDirectory data;
    final int[] mqttPorts = new int[3];
    final int[] clusterPorts = new int[3];
    final List<BrokerProcess> nodes = new ArrayList<>();
    private java.util.function.IntFunction<String> extraConf = node -> "";

    private ThreeNodeCluster(Path work) throws Exception {
        this.work = work;
        for (int i = 0; i < 3; i++) {
            mqttPorts[i] = Ports.freePort();
            clusterPorts[i] = Ports.freePort();
        }
        DataDirectory.openOrInitialize(work.resolve("data"), mqttPorts[1]);
        this.data = DataDirectory.open(work.resolve("data"));
    }

    /** Issues the certificates, writes the confs and starts the nodes; returns once node 1 sees all three. */
    static ThreeNodeCluster start(Path work, List<String> devices, boolean filesPerNode, Duration startup)
            throws Exception {
        return start(work, devices, filesPerNode, startup, node -> "");
    }

    /** The same, with {@code extraConf.apply(index)} appended to each node's conf (index 0 is node-1). */
    static ThreeNodeCluster start(Path work, List<String> devices, boolean filesPerNode, Duration startup,
                                  java.util.function.IntFunction<String> extraConf) throws Exception {
        ThreeNodeCluster cluster = new ThreeNodeCluster(work);
        cluster.extraConf = extraConf;
        try {
            cluster.issue(devices);
            cluster.startNodes(filesPerNode, startup);
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void issue(List<String> devices) throws Exception {
        for (String node : List.of("node-1", "node-2", "node-3")) {
            run("device", "add", node, "--profile", "node", "--no-default-acl", "--data", "data", "--out", "certs");
        }
        for (String device : devices) {
            run("device", "add", device, "--acl", "readwrite fleet/#", "--data", "data", "--out", "certs");
        }
    }

    private void startNodes(boolean filesPerNode, Duration startup) throws Exception {
        for (int i = 0; i < 3; i++) {
            boolean own = filesPerNode && i != 1;
            Path crl = own ? Files.copy(data.crlFile(), work.resolve("crl-" + (i + 1) + ".pem")) : data.crlFile();
            Path acl = own ? Files.copy(data.aclFile(), work.resolve("acl-" + (i + 1))) : data.aclFile();
            Files.writeString(work.resolve("node" + (i + 1) + ".conf"), nodeConf(i, crl, acl));
            Files.writeString(partitionFile(i), "");
        }
        for (int i = 0; i < 3; i++) {
            BrokerProcess node = BrokerProcess.start(work,
                    Map.of("MIDGE_CLUSTER_TEST_PARTITION_FILE", partitionFile(i).toString()), "-c", "node" + (i + 1) + ".conf");
            nodes.add(node);
            node.awaitLine("Midge .* running", startup);
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
                midge_cluster_node node-%d
                midge_cluster_bind 127.0.0.1:%d
                midge_cluster_members 127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d
                midge_cluster_cafile certs/ca.crt
                midge_cluster_certfile certs/node-%d.crt
                midge_cluster_keyfile certs/node-%d.key
                """.formatted(mqttPorts[i], data.caChain(), data.serverCertificate(), data.serverKey(), crl, acl,
                i + 1, clusterPorts[i], clusterPorts[0], clusterPorts[1], clusterPorts[2], i + 1, i + 1)
                + extraConf.apply(i);
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

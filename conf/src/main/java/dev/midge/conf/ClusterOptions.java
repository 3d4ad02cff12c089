package dev.midge.conf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The Midge options that make this broker a cluster node ({@code midge_cluster_*}; mosquitto has
 * none). Null in {@link BrokerConfig#cluster()} when none is set: a broker on its own.
 *
 * @param node     {@code midge_cluster_node}: this node's name, the CN of its certificate
 * @param bind     {@code midge_cluster_bind HOST:PORT}: where the node link listens
 * @param members  {@code midge_cluster_members HOST:PORT[,HOST:PORT...]}: the seed list (a node may list itself)
 * @param caFile   {@code midge_cluster_cafile}: the CA(s) a node certificate must chain to
 * @param certFile {@code midge_cluster_certfile}: this node's certificate (CN = node name)
 * @param keyFile  {@code midge_cluster_keyfile}: its private key
 * @param at       where the first cluster option was set, for errors found after parsing
 * @param shareCafile {@code midge_cluster_share_cafile} (default false): the listeners' {@code cafile} contents
 *                 are kept equal across the nodes, so a CA added on one node is trusted by all (opt-in: it lets
 *                 any node widen who every node accepts as a device, and it writes over each node's cafile)
 * @param lease    {@code midge_cluster_lease SECONDS}: how long a node on the minority side of a partition keeps
 *                 its connected devices before dropping them ({@link #DEFAULT_LEASE} when null)
 * @param sendQueue {@code midge_cluster_max_queued_messages} and {@code midge_cluster_max_queued_bytes}: the
 *                 high-water mark of the queue to each other node (null: {@link SendQueue#DEFAULT})
 */
public record ClusterOptions(String node, HostPort bind, List<HostPort> members, Path caFile, Path certFile,
                             Path keyFile, ConfigLocation at, boolean shareCafile, Duration lease, SendQueue sendQueue) {

    /** Long enough that a short split costs connected devices nothing, short enough to stop serving blind soon. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(5);

    public ClusterOptions {
        members = List.copyOf(members);
        lease = lease == null ? DEFAULT_LEASE : lease;
        if (lease.isNegative()) {
            throw new IllegalArgumentException("a cluster lease cannot be negative: " + lease);
        }
        sendQueue = sendQueue == null ? SendQueue.DEFAULT : sendQueue;
    }

    /** Without sharing the listeners' CA files, the default lease and queue bound (what an embedder usually wants). */
    public ClusterOptions(String node, HostPort bind, List<HostPort> members, Path caFile, Path certFile, Path keyFile,
                          ConfigLocation at) {
        this(node, bind, members, caFile, certFile, keyFile, at, false, null, null);
    }

    /**
     * The high-water mark of the messages waiting for one other node: above either figure the
     * publishers feeding it are paused until it is down to half; QoS 0 beyond twice is dropped.
     */
    public record SendQueue(long messages, long bytes) {
        /** 20,000 messages or 8 MiB per other node, whichever comes first. */
        public static final SendQueue DEFAULT = new SendQueue(20_000, 8L * 1024 * 1024);
    }

    /** A host name or IP literal and a port; an IPv6 literal is written {@code [::1]:7800}. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}

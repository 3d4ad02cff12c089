package dev.midge.cluster;

import dev.midge.tls.Disconnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a node on the minority side of a partition from serving devices it can no longer vouch
 * for: it may miss a revocation, an ACL change or subscribers on the other side. A side has a
 * quorum when it holds more than half of the nodes expected (the configured members, or the
 * largest view seen if larger). Without one the node refuses new clients at once and, after a
 * short lease (a partition that heals within it costs connected devices nothing), drops the
 * connected ones, each with the broker's usual disconnect line. The majority side keeps serving.
 */
final class PartitionGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionGuard.class);

    private final String node;
    private final Duration lease;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "midge-cluster-lease");
        t.setDaemon(true);
        return t;
    });
    private int expected;
    /** Until the first quorum (a node starting before the others) there is nothing to drop. */
    private boolean hadQuorum;
    private volatile String refusal;
    private ScheduledFuture<?> drop;
    private volatile Disconnector disconnector;

    PartitionGuard(String node, int configuredNodes, Duration lease) {
        this.node = node;
        this.expected = configuredNodes;
        this.lease = lease;
    }

    /** More than half: of 3 nodes 2 serve and 1 does not; of 2 nodes neither half of a split does. */
    static boolean hasQuorum(int seen, int expected) {
        return seen * 2 > expected;
    }

    /** Where the clients of a node that lost its quorum go: the CLI wires {@code MidgeBroker::disconnectClients}. */
    void disconnectWith(Disconnector disconnector) {
        this.disconnector = disconnector;
    }

    /** Why a CONNECT is refused now (CONNACK Server unavailable), or null while this side has a quorum. */
    String refusal() {
        return refusal;
    }

    synchronized void viewChanged(List<String> members) {
        expected = Math.max(expected, members.size());
        boolean quorum = hasQuorum(members.size(), expected);
        if (!hadQuorum) {
            hadQuorum = quorum;
            refusal = quorum ? null : "cluster node " + node + " waits for a quorum (it sees " + members.size() + " of "
                    + expected + " nodes: " + members + ")";
            if (!quorum) {
                LOG.info("Cluster node {} waits for a quorum ({} of {} nodes): refusing clients until more join.", node,
                        members.size(), expected);
            } else {
                LOG.info("Cluster node {} has a quorum ({} of {} nodes: {}): accepting clients.", node, members.size(),
                        expected, members);
            }
            return;
        }
        if (quorum && refusal != null) {
            refusal = null;
            if (drop != null) {
                drop.cancel(false);
                drop = null;
            }
            LOG.info("Cluster node {} has a quorum again ({} of {} nodes: {}): accepting clients.", node,
                    members.size(), expected, members);
        } else if (!quorum && refusal == null) {
            String why = "cluster node " + node + " is on the minority side of a partition (it sees " + members.size()
                    + " of " + expected + " nodes: " + members + ")";
            refusal = why;
            LOG.warn("Cluster node {} lost its quorum ({} of {} nodes: {}): refusing new clients; connected ones are "
                    + "dropped in {} s unless the cluster heals.", node, members.size(), expected, members,
                    lease.toSeconds());
            drop = timer.schedule(() -> dropClients(why), lease.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void dropClients(String why) {
        Disconnector d = disconnector;
        if (d == null || refusal == null) {
            return;
        }
        int dropped = d.disconnect(identity -> true, why + ", so it cannot vouch for its clients");
        LOG.warn("Cluster node {} dropped {} client(s) after its {} s lease without a quorum.", node, dropped,
                lease.toSeconds());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

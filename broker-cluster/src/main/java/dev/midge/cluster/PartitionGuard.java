package dev.midge.cluster;

import dev.midge.tls.Disconnector;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a node on the minority side of a partition from serving devices it can no longer vouch
 * for: it may miss a revocation, an ACL change or subscribers on the other side. The verdict is
 * Infinispan's: the cluster's caches deny reads and writes on the minority side
 * ({@code PartitionHandling.DENY_READ_WRITES}), and while any of them is DEGRADED this node does
 * not serve. On top of that a side needs more than half of the nodes expected (the configured
 * members, or the largest view seen if larger): Infinispan counts only nodes it has seen, so a
 * node starting alone would have AVAILABLE caches, and the count is known at the view change,
 * before the caches' availability follows. Either one refusing is enough, so the broker never
 * serves while its caches refuse. Without both the node refuses new clients at once and, after
 * the lease ({@code midge_cluster_lease}; a split that heals within it costs connected devices
 * nothing), drops the connected ones, each with the broker's usual disconnect line. The majority
 * side keeps serving.
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
    private List<String> members = List.of();
    /** The caches Infinispan put in DEGRADED mode (the minority side of a split). */
    private final Set<String> degraded = new TreeSet<>();
    /** Until the first quorum (a node starting before the others) there is nothing to drop. */
    private boolean hadQuorum;
    private volatile String refusal;
    private ScheduledFuture<?> drop;
    private volatile Disconnector disconnector;
    private volatile Runnable onServingAgain = () -> { };

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

    /** Runs (on the caller's thread, keep it short) when the node serves again after a split: the merge is done. */
    void onServingAgain(Runnable r) {
        this.onServingAgain = r;
    }

    /** Why a CONNECT is refused now (CONNACK Server unavailable), or null while this side has a quorum. */
    String refusal() {
        return refusal;
    }

    /** Whether this node may act for the cluster now (adopt the sessions of nodes that left, say, or forget their routes). */
    boolean serving() {
        return refusal == null;
    }

    synchronized void viewChanged(List<String> now) {
        members = List.copyOf(now);
        expected = Math.max(expected, members.size());
        decide();
    }

    /**
     * Infinispan's {@code @PartitionStatusChanged} for one of the guarded caches, with the members
     * the transport sees now: the availability may be told before the view listener runs, and the
     * log line should count the new view, not the last one.
     */
    synchronized void availabilityChanged(String cache, AvailabilityMode mode, List<String> now) {
        if (!now.isEmpty()) {
            members = List.copyOf(now);
            expected = Math.max(expected, members.size());
        }
        availabilityChanged(cache, mode);
    }

    /** Infinispan's {@code @PartitionStatusChanged} for one of the guarded caches. */
    synchronized void availabilityChanged(String cache, AvailabilityMode mode) {
        boolean changed = mode == AvailabilityMode.AVAILABLE ? degraded.remove(cache) : degraded.add(cache);
        if (changed && !members.isEmpty()) { // before the first view (start-up) the view decides alone
            LOG.info("Cluster node {}: cache {} is {}.", node, cache, mode);
            decide();
        }
    }

    private void decide() {
        boolean countOk = hasQuorum(members.size(), expected);
        boolean quorum = countOk && degraded.isEmpty();
        if (!hadQuorum) {
            hadQuorum = quorum;
            refusal = quorum ? null : "cluster node " + node + " waits for a quorum (it sees " + members.size() + " of "
                    + expected + " nodes: " + members + degradedText() + ")";
            if (!quorum) {
                LOG.info("Cluster node {} waits for a quorum ({} of {} nodes{}): refusing clients until more join.", node,
                        members.size(), expected, degradedText());
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
            onServingAgain.run();
        } else if (!quorum && refusal == null) {
            String why = "cluster node " + node + " is on the minority side of a partition (it sees " + members.size()
                    + " of " + expected + " nodes: " + members + degradedText() + ")";
            refusal = why;
            LOG.warn("Cluster node {} lost its quorum ({} of {} nodes: {}{}): refusing new clients; connected ones are "
                    + "dropped in {} s unless the cluster heals.", node, members.size(), expected, members,
                    degradedText(), lease.toSeconds());
            drop = timer.schedule(() -> dropClients(why), lease.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private String degradedText() {
        return degraded.isEmpty() ? "" : "; caches denying reads and writes: " + degraded;
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

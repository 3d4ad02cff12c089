package dev.midge.broker.cluster;

/**
 * For one message published on a cluster node: which shared subscription groups this node
 * delivers it to. A group ({@code $share/G/F}) with members on several nodes still gets each
 * message once (MQTT 5 §4.8.2), so the cluster picks one node per group and the others leave it
 * out. Made by {@link ClusterLink#assignShares} and handed back with the message to
 * {@link ClusterLink#published(ClusterMessage, ShareAssignment)}, which sends the other groups'
 * copies to the nodes picked for them.
 */
@FunctionalInterface
public interface ShareAssignment {

    /** Whether this node delivers the message to one of its own members of {@code shareFilter} ({@code $share/G/F}). */
    boolean deliversHere(String shareFilter);
}

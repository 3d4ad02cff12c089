package dev.midge.broker.cluster;

import java.util.SortedMap;

/**
 * A persistent session as the cluster keeps it: its state (subscriptions, expiry, username), the
 * messages it owes, by sequence, each as the engine's bytes, and the packet ids of inbound QoS 2
 * messages routed and awaiting PUBREL (a PUBLISH resent under one is not routed again).
 */
public record SessionImage(byte[] state, SortedMap<Long, byte[]> owed, java.util.Set<Integer> inboundQos2) {

    public SessionImage {
        inboundQos2 = java.util.Set.copyOf(inboundQos2);
    }

    public SessionImage(byte[] state, SortedMap<Long, byte[]> owed) {
        this(state, owed, java.util.Set.of());
    }
}

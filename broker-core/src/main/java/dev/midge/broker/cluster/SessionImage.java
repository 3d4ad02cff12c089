package dev.midge.broker.cluster;

import java.util.SortedMap;

/**
 * A persistent session as the cluster keeps it: its state (subscriptions, expiry, username) and
 * the messages it owes, by sequence, each as the engine's bytes.
 */
public record SessionImage(byte[] state, SortedMap<Long, byte[]> owed) {
}

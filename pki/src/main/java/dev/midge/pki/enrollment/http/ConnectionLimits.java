package dev.midge.pki.enrollment.http;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * How many connections are open, in all and per client address. The map holds only addresses
 * with an open connection, so it is bounded by the total limit.
 */
final class ConnectionLimits {

    private final int maxConnections;
    private final int maxPerAddress;
    private final Map<InetAddress, Integer> open = new HashMap<>();
    private int total;

    ConnectionLimits(int maxConnections, int maxPerAddress) {
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
    }

    /** @return null if the connection may be served, else why not */
    synchronized String tryOpen(InetAddress address) {
        if (total >= maxConnections) {
            return maxConnections + " connections are open";
        }
        int fromAddress = open.getOrDefault(address, 0);
        if (fromAddress >= maxPerAddress) {
            return fromAddress + " connections from this address are open";
        }
        open.put(address, fromAddress + 1);
        total++;
        return null;
    }

    synchronized void close(InetAddress address) {
        open.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        total--;
    }
}

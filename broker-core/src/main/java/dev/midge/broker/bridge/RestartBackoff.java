package dev.midge.broker.bridge;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a bridge waits before its next attempt: a constant {@code restart_timeout}, or
 * mosquitto's backoff with decorrelated jitter (a random wait between the base and three times
 * the last, capped), reset once a connection is accepted.
 */
final class RestartBackoff {

    private final int base;
    private final int cap;
    private int last;

    RestartBackoff(int base, int cap) {
        this.base = Math.max(1, base);
        this.cap = cap;
        this.last = this.base;
    }

    /** Seconds to wait before the next attempt. */
    int next() {
        if (cap <= 0) {
            return base;
        }
        int upper = Math.max(base, Math.min(cap, last * 3));
        last = upper == base ? base : ThreadLocalRandom.current().nextInt(base, upper + 1);
        return last;
    }

    void reset() {
        last = base;
    }
}

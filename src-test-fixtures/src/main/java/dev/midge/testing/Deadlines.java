package dev.midge.testing;

import java.time.Duration;

/**
 * How long tests wait for something that must happen, in one place. Tests poll for the
 * condition and go on the moment it holds, so a generous deadline costs nothing when the
 * broker works; it only keeps a loaded machine (two cores shared by many builds) from failing
 * a test whose broker is merely slow.
 */
public final class Deadlines {

    /**
     * A changed ACL, password file, CRL, CA, certificate or key is in force: the broker polls
     * its files every 250 ms and reloads at once; this is headroom, not the promise.
     */
    public static final Duration RELOAD = Duration.ofSeconds(15);

    /** How often a test looks again while it waits. */
    public static final Duration POLL = Duration.ofMillis(50);

    private Deadlines() {
    }
}

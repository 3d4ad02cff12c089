package dev.midge.bench.sidebyside;

import java.io.IOException;

/**
 * A broker's resident set once start-up is over. Right after a JVM broker binds its port it still
 * holds what start-up needed and is about to give back: the JIT compilers' malloc'd arenas (returned
 * by the periodic native trim) and eden full of start-up garbage; on a 2-core machine that is 10-25 MiB
 * for the first 5-15 s. An idle broker is one past that, so this waits until the RSS has made no new
 * low for {@link #QUIET_POLLS} polls (mosquitto's never moves: it is settled at once, after those polls).
 */
final class SettledRss {

    private static final long POLL_MILLIS = 500;
    private static final int QUIET_POLLS = 10;
    private static final long DEADLINE_MILLIS = 60_000;

    private SettledRss() {
    }

    /** VmRSS in KiB, summed over the broker's processes, once no poll has found a new low for 5 s (at most 60 s). */
    static long of(BrokerProcess broker) throws IOException, InterruptedException {
        long lowest = broker.rssKib();
        int quiet = 0;
        long deadline = System.nanoTime() + DEADLINE_MILLIS * 1_000_000;
        while (quiet < QUIET_POLLS && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MILLIS); // a sampling interval, not a wait for an event
            long now = broker.rssKib();
            // Less than 256 KiB lower is the noise of a page or two, not the broker giving memory back.
            if (now < lowest - 256) {
                lowest = now;
                quiet = 0;
            } else {
                lowest = Math.min(lowest, now);
                quiet++;
            }
        }
        return lowest;
    }
}

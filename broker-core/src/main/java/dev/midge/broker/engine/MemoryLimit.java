package dev.midge.broker.engine;

import dev.midge.broker.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * mosquitto's {@code memory_limit}. mosquitto counts every byte it mallocs and, past the limit, drops
 * the PUBLISH it was reading and disconnects the publisher. A JVM cannot count its allocations, and its
 * heap use includes garbage not yet collected, so Midge counts what a client can make it hold: the payload
 * bytes of retained messages and of every session's messages in flight and queued. They are summed on the
 * timer every {@value #PERIOD_MS} ms (walking the sessions per PUBLISH would cost the hot path), so the
 * limit can be passed by what arrives within one period, and a publisher is let in again at most that long
 * after subscribers drain.
 */
public final class MemoryLimit {

    static final long PERIOD_MS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(MemoryLimit.class);
    private static final MemoryLimit NONE = new MemoryLimit(0, null);

    private final long limitBytes;
    private final MqttEngine engine;
    private volatile long heldBytes;
    private volatile boolean exceeded;

    private MemoryLimit(long limitBytes, MqttEngine engine) {
        this.limitBytes = limitBytes;
        this.engine = engine;
    }

    /** @param limitBytes 0 for no limit (then nothing is counted) */
    static MemoryLimit start(long limitBytes, MqttEngine engine, ScheduledExecutorService timer) {
        if (limitBytes <= 0) {
            return NONE;
        }
        MemoryLimit limit = new MemoryLimit(limitBytes, engine);
        timer.scheduleWithFixedDelay(limit::recount, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
        return limit;
    }

    /** Whether a PUBLISH arriving now is to be dropped, its publisher disconnected. */
    public boolean exceeded() {
        return exceeded;
    }

    /** For the log line of a publisher disconnected for it. */
    public String describe() {
        return heldBytes + " bytes of messages, over memory_limit " + limitBytes;
    }

    private void recount() {
        try {
            long held = engine.retained().payloadBytes();
            for (Session s : engine.sessions().all()) {
                held += s.heldBytes();
            }
            heldBytes = held;
            boolean over = held > limitBytes;
            if (over != exceeded) {
                exceeded = over;
                if (over) {
                    LOG.warn("memory_limit reached: {} bytes of messages held, over {}; publishers are disconnected "
                            + "until subscribers take them.", held, limitBytes);
                } else {
                    LOG.info("Back under memory_limit: {} bytes of messages held, limit {}; publishes are accepted "
                            + "again.", held, limitBytes);
                }
            }
        } catch (RuntimeException e) {
            // A failed count must not end the schedule (the limit would stay stuck either way).
            LOG.error("Cannot count the message bytes held for memory_limit", e);
        }
    }
}

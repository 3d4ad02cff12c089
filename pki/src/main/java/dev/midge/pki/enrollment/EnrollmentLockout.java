package dev.midge.pki.enrollment;

import dev.midge.pki.LogEscape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down guessing of enrollment secrets: after {@code maxFailuresPerAddress} refused
 * secrets from one address, or {@code maxFailuresPerEndEntity} for one device ID from anywhere,
 * within one window, that address or ID is locked out until the window ends; requests are then
 * answered 429 at once, without looking at the secret (and without holding a thread to delay
 * the answer). The per-ID limit is higher than the per-address one, so that one address guessing
 * a device's secret locks out itself, not the device enrolling from elsewhere.
 *
 * <p>The log gets, per address and window, the first refusal in full, one line when the lockout
 * begins, and one line counting what was refused during it: not one line per attempt. Both maps
 * are bounded; past {@code maxTracked} keys the least recently seen is forgotten (a forgotten
 * key starts again with a clean count, so an attacker needs that many addresses to gain from it).
 */
public final class EnrollmentLockout {

    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentLockout.class);

    /** The limits; {@link #DEFAULT}: 5 per address, 20 per device ID, in 5 minutes. */
    public record Policy(int maxFailuresPerAddress, int maxFailuresPerEndEntity, Duration window, int maxTracked) {

        public static final Policy DEFAULT = new Policy(5, 20, Duration.ofMinutes(5), 10_000);
    }

    private final Policy policy;
    private final Clock clock;
    private final Failures byAddress;
    private final Failures byEndEntity;

    public EnrollmentLockout(Policy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
        this.byAddress = new Failures("address", policy.maxFailuresPerAddress());
        this.byEndEntity = new Failures("device ID", policy.maxFailuresPerEndEntity());
    }

    /** @return how long {@code address} or {@code id} is still locked out, or null if it may try */
    public synchronized Duration lockedOut(InetAddress address, String id) {
        Instant now = clock.instant();
        Duration a = byAddress.lockedOut(address.getHostAddress(), now);
        Duration e = byEndEntity.lockedOut(id, now);
        if (a == null) {
            return e;
        }
        return e == null || a.compareTo(e) > 0 ? a : e;
    }

    /**
     * Counts a refused secret.
     *
     * @return whether this refusal should be logged in full (the first from its address in the window)
     */
    public synchronized boolean failed(InetAddress address, String id) {
        Instant now = clock.instant();
        boolean first = byAddress.failed(address.getHostAddress(), now);
        byEndEntity.failed(id, now);
        return first;
    }

    private static final class Window {
        Instant start;
        int failures;
        Instant lockedUntil;
        long refusedWhileLocked;

        Window(Instant start) {
            this.start = start;
        }
    }

    /** One kind of key (address or device ID) and its windows, least recently seen first. */
    private final class Failures {
        private final String kind;
        private final int max;
        private final Map<String, Window> windows = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > policy.maxTracked();
            }
        };

        Failures(String kind, int max) {
            this.kind = kind;
            this.max = max;
        }

        Duration lockedOut(String key, Instant now) {
            Window w = windows.get(key);
            if (w == null || w.lockedUntil == null) {
                return null;
            }
            if (now.isBefore(w.lockedUntil)) {
                w.refusedWhileLocked++;
                return Duration.between(now, w.lockedUntil);
            }
            ended(key, w);
            windows.remove(key);
            return null;
        }

        boolean failed(String key, Instant now) {
            Window w = windows.get(key);
            if (w != null && !now.isBefore(w.start.plus(policy.window()))
                    && (w.lockedUntil == null || !now.isBefore(w.lockedUntil))) {
                ended(key, w);
                w = null;
            }
            if (w == null) {
                w = new Window(now);
                windows.put(key, w);
            }
            w.failures++;
            if (w.failures == max) {
                w.lockedUntil = now.plus(policy.window());
                LOG.warn("Locked out enrollment for {} {} until {}: {} wrong secrets since {}",
                        kind, LogEscape.of(key), w.lockedUntil, w.failures, w.start);
            }
            return w.failures == 1;
        }

        private void ended(String key, Window w) {
            if (w.refusedWhileLocked > 0) {
                LOG.warn("Refused {} enrollment attempts for {} {} while it was locked out (until {})",
                        w.refusedWhileLocked, kind, LogEscape.of(key), w.lockedUntil);
            }
        }
    }
}

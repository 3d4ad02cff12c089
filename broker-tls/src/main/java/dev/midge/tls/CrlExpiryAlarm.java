package dev.midge.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Says, once a minute, that the CRL is past its nextUpdate: an expired CRL either locks every
 * device out (the default, as in mosquitto) or lets possibly-revoked devices in (warn-only), and
 * either way the operator must be told until a fresh CRL arrives.
 */
final class CrlExpiryAlarm implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CrlExpiryAlarm.class);

    private final Supplier<RevocationList> crl;
    private final boolean warnOnly;
    private final ScheduledExecutorService timer;

    CrlExpiryAlarm(Supplier<RevocationList> crl, boolean warnOnly, Duration period) {
        this.crl = crl;
        this.warnOnly = warnOnly;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "midge-crl-expiry");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::check, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Checks now (also called after every reload, so a stale new CRL is reported at once). */
    void check() {
        RevocationList current = crl.get();
        if (current == null) {
            return;
        }
        current.expiredAt(Instant.now()).ifPresent(expired -> {
            if (warnOnly) {
                LOG.warn("The CRL {} expired at {} (nextUpdate); client certificates are still accepted"
                        + " (midge_crl_expired_warn_only). Replace it with a fresh CRL.", current.file(), expired);
            } else {
                LOG.error("The CRL {} expired at {} (nextUpdate); every client certificate is refused until it is"
                        + " replaced with a fresh CRL.", current.file(), expired);
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

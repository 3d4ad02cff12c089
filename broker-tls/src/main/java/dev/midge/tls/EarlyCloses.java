package dev.midge.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs clients that connect to a TLS listener and close before sending a ClientHello. One such
 * line is worth seeing (a misconfigured client, a health check), but a port scan makes thousands:
 * at most one INFO line per minute per listener, counting the ones it did not print; each of
 * those is at DEBUG.
 */
final class EarlyCloses {

    private static final Logger LOG = LoggerFactory.getLogger(TlsListenerSecurity.class);
    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final AtomicLong nextLineAt = new AtomicLong(System.nanoTime());
    private final AtomicLong unprinted = new AtomicLong();

    void closed(String peer) {
        long now = System.nanoTime();
        long next = nextLineAt.get();
        if (now - next >= 0 && nextLineAt.compareAndSet(next, now + INTERVAL_NANOS)) {
            long more = unprinted.getAndSet(0);
            LOG.info("TLS connection from {}: the client closed the connection before sending a ClientHello (a port"
                    + " scan or health check?){}", peer, more == 0 ? ""
                    : "; " + more + " more like it since the last such line");
        } else {
            unprinted.incrementAndGet();
            LOG.debug("TLS connection from {}: the client closed the connection before sending a ClientHello", peer);
        }
    }
}

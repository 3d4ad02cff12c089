package dev.midge.tls;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers kept until the responder's nextUpdate, so a device that reconnects often costs the
 * responder one request per validity period rather than one per connection. An answer without
 * nextUpdate is not kept (RFC 6960 2.4: newer information is always available).
 */
final class OcspResponseCache {

    /** Bounds memory when many distinct certificates connect; the oldest entries simply go. */
    private static final int MAX_ENTRIES = 100_000;

    private record Key(javax.security.auth.x500.X500Principal issuer, BigInteger serial) {
    }

    private final Map<Key, OcspStatus> answers = new ConcurrentHashMap<>();
    private final Clock clock;

    OcspResponseCache(Clock clock) {
        this.clock = clock;
    }

    OcspStatus get(X509Certificate leaf) {
        Key key = key(leaf);
        OcspStatus status = answers.get(key);
        if (status != null && !status.nextUpdate().isAfter(clock.instant())) {
            answers.remove(key, status);
            return null;
        }
        return status;
    }

    void put(X509Certificate leaf, OcspStatus status) {
        if (status.nextUpdate() == null || !status.nextUpdate().isAfter(clock.instant())) {
            return;
        }
        if (answers.size() >= MAX_ENTRIES) {
            answers.clear();
        }
        answers.put(key(leaf), status);
    }

    private static Key key(X509Certificate leaf) {
        return new Key(leaf.getIssuerX500Principal(), leaf.getSerialNumber());
    }
}

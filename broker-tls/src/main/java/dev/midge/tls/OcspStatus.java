package dev.midge.tls;

import java.time.Instant;

/**
 * What an OCSP responder said about one certificate (RFC 6960 2.2), once its signature and
 * freshness were checked.
 *
 * @param state      good, revoked or unknown
 * @param revokedAt  when it was revoked (revoked only)
 * @param reason     the RFC 5280 reason in words, or null when the responder gave none
 * @param nextUpdate until when the answer may be cached, or null (then it is not cached)
 */
record OcspStatus(State state, Instant revokedAt, String reason, Instant nextUpdate) {

    enum State { GOOD, REVOKED, UNKNOWN }

    /** The responder could not be asked, or its answer could not be trusted. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}

package dev.midge.tls;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;

/**
 * Judges a client certificate again once a handshake has completed. A resumed session (a TLS 1.3
 * ticket, a TLS 1.2 session id) skips the trust manager: neither JSSE nor OpenSSL looks at the
 * certificate again, so without this a device revoked, or whose certificate expired, after its
 * first handshake could come back on its ticket. A full handshake was judged a moment ago, so for
 * it this is a map lookup that agrees.
 */
final class SessionRecheck {

    private SessionRecheck() {
    }

    /**
     * @param crl the CRL in force now, or null without a crlfile
     * @return why the certificate must not be let in now, in the trust manager's words; empty if it may
     */
    static Optional<String> refusal(X509Certificate leaf, RevocationList crl, boolean crlExpiredWarnOnly, Instant now) {
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            return Optional.of("certificate expired (not after " + leaf.getNotAfter().toInstant() + ")");
        }
        if (crl == null) {
            return Optional.empty();
        }
        Optional<Instant> crlExpired = crl.expiredAt(now);
        if (crlExpired.isPresent() && !crlExpiredWarnOnly) {
            return Optional.of("the CRL " + crl.file() + " expired at " + crlExpired.get()
                    + " (nextUpdate); client certificates are refused until it is replaced");
        }
        return crl.revocationOf(leaf).map(r -> r.certificate().equals(leaf)
                ? "certificate revoked (" + ClientCertificateVerifier.describe(r.entry()) + ")"
                : ClientCertificateVerifier.issuingCaRevoked(r.certificate(), r.entry()));
    }
}

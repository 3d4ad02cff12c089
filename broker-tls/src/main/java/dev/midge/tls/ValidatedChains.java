package dev.midge.tls;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client certificate chains the JDK's PKIX check has accepted, so that a device that reconnects
 * with the same chain (byte for byte) is not path-built and signature-checked again. PKIX's verdict
 * depends only on the chain, the trust anchors and the time: the anchors are fixed for the
 * lifetime of one {@link TlsMaterial} (a new cafile builds a new verifier and so a new cache), and
 * an entry holds only while every certificate in the chain is within its validity. Revocation,
 * the CN rules and the client's proof of its key are checked at every handshake regardless.
 */
final class ValidatedChains {

    /** Enough for a fleet's worth of reconnecting devices; when full it starts again, never grows. */
    static final int CAPACITY = 4096;

    private final Map<List<X509Certificate>, Instant[]> accepted = new ConcurrentHashMap<>();

    /** True if PKIX accepted exactly this chain before and it is still within every certificate's validity. */
    boolean contains(X509Certificate[] chain, Instant now) {
        Instant[] window = accepted.get(List.of(chain));
        return window != null && !now.isBefore(window[0]) && !now.isAfter(window[1]);
    }

    void add(X509Certificate[] chain) {
        if (accepted.size() >= CAPACITY) {
            accepted.clear();
        }
        Instant notBefore = Instant.MIN;
        Instant notAfter = Instant.MAX;
        for (X509Certificate certificate : chain) {
            Instant from = certificate.getNotBefore().toInstant();
            Instant until = certificate.getNotAfter().toInstant();
            notBefore = from.isAfter(notBefore) ? from : notBefore;
            notAfter = until.isBefore(notAfter) ? until : notAfter;
        }
        accepted.put(List.of(chain.clone()), new Instant[]{notBefore, notAfter});
    }
}

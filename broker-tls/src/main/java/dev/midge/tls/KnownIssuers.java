package dev.midge.tls;

import javax.security.auth.x500.X500Principal;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Intermediate CA certificates learnt from client chains that passed validation. With them an
 * intermediate's CRL can be signature-checked even when cafile holds only the root, as OpenSSL
 * (and so mosquitto) allows. Kept across reloads; intermediates are few, so it stays small.
 */
final class KnownIssuers {

    private final Map<X500Principal, CopyOnWriteArrayList<X509Certificate>> bySubject = new ConcurrentHashMap<>();

    /** Learns the leaf's issuer from a chain PKIX has just accepted, if the issuer really signed the leaf. */
    void learnFrom(X509Certificate[] validatedChain) {
        if (validatedChain.length < 2) {
            return;
        }
        X509Certificate leaf = validatedChain[0];
        X509Certificate issuer = validatedChain[1];
        if (!issuer.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
            return;
        }
        CopyOnWriteArrayList<X509Certificate> known = bySubject.computeIfAbsent(issuer.getSubjectX500Principal(),
                k -> new CopyOnWriteArrayList<>());
        if (known.contains(issuer)) {
            return;
        }
        try {
            leaf.verify(issuer.getPublicKey());   // a client may send extra certificates; keep only the real issuer
            known.addIfAbsent(issuer);
        } catch (Exception notTheIssuer) {
            // ignored: PKIX accepted the chain through another certificate
        }
    }

    List<X509Certificate> named(X500Principal subject) {
        List<X509Certificate> known = bySubject.get(subject);
        return known == null ? List.of() : known;
    }
}

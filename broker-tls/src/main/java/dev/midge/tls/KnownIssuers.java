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

    /**
     * Learns the issuers along a chain PKIX has just accepted, each only if it really signed the
     * certificate below it: the whole path, so that a CRL revoking an intermediate higher up
     * can be checked (and signature-checked) too.
     */
    void learnFrom(X509Certificate[] validatedChain) {
        for (int i = 0; i + 1 < validatedChain.length; i++) {
            if (!learn(validatedChain[i], validatedChain[i + 1])) {
                return;
            }
        }
    }

    private boolean learn(X509Certificate leaf, X509Certificate issuer) {
        if (!issuer.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
            return false;
        }
        CopyOnWriteArrayList<X509Certificate> known = bySubject.computeIfAbsent(issuer.getSubjectX500Principal(),
                k -> new CopyOnWriteArrayList<>());
        if (known.contains(issuer)) {
            return true;
        }
        try {
            leaf.verify(issuer.getPublicKey());   // a client may send extra certificates; keep only the real issuer
            known.addIfAbsent(issuer);
            return true;
        } catch (Exception notTheIssuer) {
            return false;   // PKIX accepted the chain through another certificate
        }
    }

    List<X509Certificate> named(X500Principal subject) {
        List<X509Certificate> known = bySubject.get(subject);
        return known == null ? List.of() : known;
    }
}

package dev.midge.tls;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A client certificate's certification path (RFC 5280 §6), leaf first, up to a self-signed CA or
 * the last issuer Midge knows: the certificates whose revocation cuts the leaf off. Built from
 * cafile/capath and the intermediates learnt from validated chains, because a client may send
 * only its leaf and the JDK treats every cafile certificate, intermediates too, as a trust
 * anchor it never checks for revocation.
 */
final class CertificationPath {

    /** More than any real device PKI; stops a loop of cross-signed names. */
    private static final int MAX_LENGTH = 8;

    private CertificationPath() {
    }

    /**
     * @param leaf         a certificate PKIX has accepted (its chain's signatures were checked then)
     * @param trusted      cafile/capath
     * @param knownIssuers intermediates seen in validated chains
     */
    static List<X509Certificate> of(X509Certificate leaf, List<X509Certificate> trusted, KnownIssuers knownIssuers) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        X509Certificate current = leaf;
        while (path.size() < MAX_LENGTH && !isSelfIssued(current)) {
            X509Certificate issuer = issuerOf(current, trusted, knownIssuers);
            if (issuer == null || path.contains(issuer)) {
                break;
            }
            path.add(issuer);
            current = issuer;
        }
        return path;
    }

    private static X509Certificate issuerOf(X509Certificate certificate, List<X509Certificate> trusted,
                                            KnownIssuers knownIssuers) {
        List<X509Certificate> candidates = new ArrayList<>(knownIssuers.named(certificate.getIssuerX500Principal()));
        for (X509Certificate ca : trusted) {
            if (ca.getSubjectX500Principal().equals(certificate.getIssuerX500Principal()) && !candidates.contains(ca)) {
                candidates.add(ca);
            }
        }
        if (candidates.size() == 1) {
            return candidates.get(0);   // PKIX checked this signature at the handshake
        }
        for (X509Certificate candidate : candidates) {
            try {
                certificate.verify(candidate.getPublicKey());   // same name, another key: take the real issuer
                return candidate;
            } catch (Exception notThisOne) {
                // try the next CA of that name
            }
        }
        return null;
    }

    static boolean isSelfIssued(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
    }
}

package dev.midge.tls;

import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CRLs of a {@code crlfile}, each trusted only once its signature verifies with the key of
 * the CA that issued it: a forged CRL must not be able to cut devices off (or, by omission, let
 * revoked ones back in). A CRL from a CA in cafile/capath (or an intermediate already seen) is
 * checked when the file is loaded, and a bad one rejects the file; a CRL from an intermediate
 * not seen yet is checked at the first handshake that presents that intermediate, and until it
 * verifies, that intermediate's devices are refused.
 */
final class RevocationList {

    /**
     * A certificate of a client's certification path that an authentic CRL revokes.
     *
     * @param certificate the revoked certificate: the leaf, or a CA above it
     * @param issuer      the CA whose CRL revokes it
     */
    record Revocation(X509Certificate certificate, X509Certificate issuer, X509CRLEntry entry) {
    }

    private final Path file;
    private final List<X509CRL> crls;
    private final List<X509Certificate> trusted;
    private final KnownIssuers knownIssuers;
    private final Set<X509CRL> verified = ConcurrentHashMap.newKeySet();

    private RevocationList(Path file, List<X509CRL> crls, List<X509Certificate> trusted, KnownIssuers knownIssuers) {
        this.file = file;
        this.crls = List.copyOf(crls);
        this.trusted = List.copyOf(trusted);
        this.knownIssuers = knownIssuers;
    }

    static RevocationList load(Path file, List<X509Certificate> trusted, KnownIssuers knownIssuers)
            throws TlsFileException {
        RevocationList list = new RevocationList(file, PemFiles.crls(file), trusted, knownIssuers);
        for (X509CRL crl : list.crls) {
            List<X509Certificate> issuers = new ArrayList<>(knownIssuers.named(crl.getIssuerX500Principal()));
            trusted.stream().filter(ca -> ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal()))
                    .forEach(issuers::add);
            if (!issuers.isEmpty() && !list.verify(crl, issuers)) {
                throw new TlsFileException(file, "the CRL's signature does not verify with the key of "
                        + crl.getIssuerX500Principal().getName());
            }
        }
        return list;
    }

    private boolean verify(X509CRL crl, Collection<X509Certificate> candidates) {
        if (verified.contains(crl)) {
            return true;
        }
        for (X509Certificate issuer : candidates) {
            if (issuer.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
                try {
                    crl.verify(issuer.getPublicKey());
                    verified.add(crl);
                    return true;
                } catch (Exception wrongKey) {
                    // Another CA with the same name may have signed it; try the next one.
                }
            }
        }
        return false;
    }

    Path file() {
        return file;
    }

    /**
     * The CRL that speaks for this certificate's issuer, by name, verified or not. OpenSSL's CRL
     * check (which mosquitto enables) refuses a certificate whose issuer has no CRL.
     */
    Optional<X509CRL> crlFor(X509Certificate certificate) {
        return crls.stream()
                .filter(crl -> crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal()))
                .findFirst();
    }

    /** Whether the CRL's signature verifies, with the issuer from a validated chain if need be. */
    boolean isAuthentic(X509CRL crl, X509Certificate[] validatedChain) {
        List<X509Certificate> candidates = new ArrayList<>(knownIssuers.named(crl.getIssuerX500Principal()));
        for (int i = 1; i < validatedChain.length; i++) {
            candidates.add(validatedChain[i]);
        }
        return verify(crl, candidates);
    }

    /** Whether the CRL's signature verifies with this CA's key. */
    boolean isAuthentic(X509CRL crl, X509Certificate issuer) {
        return verify(crl, List.of(issuer));
    }

    /** The leaf's certification path from cafile/capath and the intermediates seen so far. */
    List<X509Certificate> pathOf(X509Certificate leaf) {
        return CertificationPath.of(leaf, trusted, knownIssuers);
    }

    /**
     * The first certificate of the leaf's certification path, leaf first, that an authentic CRL
     * of its issuer revokes: revoking an issuing CA cuts off every certificate under it.
     */
    Optional<Revocation> revocationOf(X509Certificate leaf) {
        List<X509Certificate> path = pathOf(leaf);
        for (int i = 0; i < path.size(); i++) {
            X509Certificate certificate = path.get(i);
            if (CertificationPath.isSelfIssued(certificate)) {
                break;
            }
            Optional<X509CRL> issuerCrl = crlFor(certificate);
            if (issuerCrl.isEmpty()) {
                continue;
            }
            X509CRLEntry entry = issuerCrl.get().getRevokedCertificate(certificate);
            X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : null;
            boolean authentic = issuer != null ? isAuthentic(issuerCrl.get(), issuer)
                    : verify(issuerCrl.get(), knownIssuers.named(issuerCrl.get().getIssuerX500Principal()));
            if (entry != null && authentic) {
                return Optional.of(new Revocation(certificate, issuer, entry));
            }
        }
        return Optional.empty();
    }

    /** The earliest nextUpdate among the CRLs that have one. */
    Optional<Instant> earliestNextUpdate() {
        return crls.stream().map(X509CRL::getNextUpdate).filter(java.util.Objects::nonNull)
                .map(java.util.Date::toInstant).min(Instant::compareTo);
    }

    /** Entries in all the CRLs of the file. */
    long revokedCount() {
        return crls.stream().mapToLong(TlsStatistics::revokedIn).sum();
    }

    /** The earliest nextUpdate among the CRLs that have one, if it is before {@code now}. */
    Optional<Instant> expiredAt(Instant now) {
        return crls.stream()
                .map(X509CRL::getNextUpdate)
                .filter(next -> next != null && next.toInstant().isBefore(now))
                .map(java.util.Date::toInstant)
                .min(Instant::compareTo);
    }
}

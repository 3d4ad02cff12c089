package dev.midge.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CRLReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Verifies client certificates: the JDK's PKIX trust manager decides whether the chain leads
 * to a trusted CA; around it, this class checks validity dates first (to say "expired" rather
 * than "path validation failed"), then the CRL, and turns every failure into a
 * {@link CertificateRefusal} whose message is the reason in words for the log line.
 */
final class ClientCertificateVerifier extends X509ExtendedTrustManager {

    /** One step of the JDK check, so the three checkClientTrusted overloads share the rest. */
    @FunctionalInterface
    private interface PkixCheck {
        void run() throws CertificateException;
    }

    private final X509ExtendedTrustManager pkix;
    private final X509Certificate[] trusted;
    private final RevocationList crl;
    private final boolean crlExpiredWarnOnly;
    private final boolean needsCommonName;
    private final KnownIssuers knownIssuers;
    private final ValidatedChains validated = new ValidatedChains();

    /**
     * @param crl             null without a crlfile
     * @param needsCommonName refuse certificates without a CN (use_identity_as_username): a
     *                        client must never fall back to a username of its own choosing
     */
    ClientCertificateVerifier(X509ExtendedTrustManager pkix, List<X509Certificate> trusted, RevocationList crl,
                              boolean crlExpiredWarnOnly, boolean needsCommonName, KnownIssuers knownIssuers) {
        this.knownIssuers = knownIssuers;
        this.pkix = pkix;
        this.trusted = trusted.toArray(X509Certificate[]::new);
        this.crl = crl;
        this.crlExpiredWarnOnly = crlExpiredWarnOnly;
        this.needsCommonName = needsCommonName;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain, () -> pkix.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain, () -> pkix.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, () -> pkix.checkClientTrusted(chain, authType));
    }

    private void verify(X509Certificate[] chain, PkixCheck pkixCheck) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateRefusal(null, "no client certificate");
        }
        X509Certificate leaf = chain[0];
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new CertificateRefusal(leaf, "certificate expired (not after " + leaf.getNotAfter().toInstant() + ")");
        } catch (CertificateNotYetValidException e) {
            throw new CertificateRefusal(leaf, "certificate not yet valid (not before " + leaf.getNotBefore().toInstant() + ")");
        }
        if (!validated.contains(chain, Instant.now())) {
            try {
                pkixCheck.run();
            } catch (CertificateException e) {
                throw new CertificateRefusal(leaf, describePkixFailure(leaf, e));
            }
            validated.add(chain);
        }
        knownIssuers.learnFrom(chain);
        if (crl != null) {
            checkRevocation(chain);
        }
        if (needsCommonName) {
            CommonNameUsername.Result username = CommonNameUsername.of(leaf);
            if (username.username() == null) {
                throw new CertificateRefusal(leaf, username.refusal() + " (use_identity_as_username)");
            }
        }
    }

    private void checkRevocation(X509Certificate[] chain) throws CertificateRefusal {
        X509Certificate leaf = chain[0];
        Optional<Instant> expired = crl.expiredAt(Instant.now());
        if (expired.isPresent() && !crlExpiredWarnOnly) {
            throw new CertificateRefusal(leaf, "the CRL " + crl.file() + " expired at " + expired.get()
                    + " (nextUpdate); client certificates are refused until it is replaced");
        }
        Optional<X509CRL> issuerCrl = crl.crlFor(leaf);
        if (issuerCrl.isEmpty()) {
            throw new CertificateRefusal(leaf, "the crlfile " + crl.file() + " has no CRL from the certificate's issuer "
                    + leaf.getIssuerX500Principal().getName());
        }
        if (!crl.isAuthentic(issuerCrl.get(), chain)) {
            throw new CertificateRefusal(leaf, "the CRL of " + leaf.getIssuerX500Principal().getName() + " in "
                    + crl.file() + " does not verify with that CA's key; replace it with one the CA signed");
        }
        X509CRLEntry revoked = issuerCrl.get().getRevokedCertificate(leaf);
        if (revoked != null) {
            throw new CertificateRefusal(leaf, "certificate revoked (" + describe(revoked) + ")");
        }
        checkIssuingCas(leaf);
    }

    /**
     * The CAs above the leaf: each is checked against its own issuer's CRL when the crlfile has
     * one (a revoked issuing CA refuses every certificate under it). A CA whose issuer has no CRL
     * in the file is not refused: OpenSSL's CRL_CHECK, which mosquitto sets, checks the leaf only,
     * and demanding a CRL for every level (CRL_CHECK_ALL) would lock out PKIs that publish none
     * for their root.
     */
    private void checkIssuingCas(X509Certificate leaf) throws CertificateRefusal {
        List<X509Certificate> path = crl.pathOf(leaf);
        for (int i = 1; i + 1 < path.size(); i++) {
            X509Certificate ca = path.get(i);
            X509Certificate issuer = path.get(i + 1);
            Optional<X509CRL> issuerCrl = crl.crlFor(ca);
            if (issuerCrl.isEmpty()) {
                continue;
            }
            if (!crl.isAuthentic(issuerCrl.get(), issuer)) {
                throw new CertificateRefusal(leaf, "the CRL of " + issuer.getSubjectX500Principal().getName() + " in "
                        + crl.file() + " does not verify with that CA's key; replace it with one the CA signed");
            }
            X509CRLEntry revoked = issuerCrl.get().getRevokedCertificate(ca);
            if (revoked != null) {
                throw new CertificateRefusal(leaf, issuingCaRevoked(ca, revoked));
            }
        }
    }

    /** "issuing CA CN=… serial 0x… is revoked (keyCompromise on …)". */
    static String issuingCaRevoked(X509Certificate ca, X509CRLEntry entry) {
        return "issuing CA " + CertificateUsername.subject(ca) + " serial " + HandshakeRefusal.serial(ca)
                + " is revoked (" + describe(entry) + ")";
    }

    /** "keyCompromise on 2026-11-23T12:00:00Z", RFC 5280's name for the reason. */
    static String describe(X509CRLEntry entry) {
        CRLReason reason = entry.getRevocationReason();
        return reasonName(reason) + " on " + entry.getRevocationDate().toInstant();
    }

    static String reasonName(CRLReason reason) {
        if (reason == null) {
            return "unspecified";
        }
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : reason.name().toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    private static String describePkixFailure(X509Certificate leaf, CertificateException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "a CA certificate in its chain expired";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "a CA certificate in its chain is not yet valid";
            }
            if (t instanceof java.security.cert.CertPathBuilderException
                    || (t.getMessage() != null && t.getMessage().contains("unable to find valid certification path"))) {
                return "unknown CA: the certificate's issuer " + leaf.getIssuerX500Principal().getName()
                        + " does not chain to cafile/capath";
            }
        }
        return "certificate not trusted: " + e.getMessage();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a listener's trust manager checks clients only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a listener's trust manager checks clients only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a listener's trust manager checks clients only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trusted.clone();
    }
}

package dev.midge.tls;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Asks an OCSP responder (RFC 6960, HTTP POST) about one certificate, without blocking: the JDK
 * HttpClient sends asynchronously and the answer is checked on its executor. An answer counts
 * only if signed by the issuer or by a responder the issuer delegated to (id-kp-OCSPSigning),
 * for the certificate asked about, echoing our nonce if it echoes one, and not stale.
 */
final class OcspClient {

    /** Allowed difference between our clock and the responder's. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;

    OcspClient(HttpClient http, Duration timeout, Clock clock) {
        this.http = http;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** Completes with the status, or exceptionally with {@link OcspStatus.Unavailable} saying why not. */
    CompletableFuture<OcspStatus> status(X509Certificate leaf, X509Certificate issuer, URI responder) {
        CertificateID id;
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        byte[] request;
        try {
            id = new CertificateID(digests().get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(issuer),
                    leaf.getSerialNumber());
            request = new OCSPReqBuilder().addRequest(id)
                    .setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                            new DEROctetString(nonce))))
                    .build().getEncoded();
        } catch (Exception e) {
            return CompletableFuture.failedFuture(new OcspStatus.Unavailable("cannot build the request: " + e.getMessage()));
        }
        HttpRequest post = HttpRequest.newBuilder(responder).timeout(timeout)
                .header("Content-Type", "application/ocsp-request")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build();
        return http.sendAsync(post, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        throw new CompletionException(new OcspStatus.Unavailable(
                                cause instanceof java.net.ConnectException ? "connection refused"
                                        : cause instanceof java.net.http.HttpTimeoutException ? "no answer within " + timeout.toSeconds() + " s"
                                        : cause.getClass().getSimpleName()
                                                + (cause.getMessage() == null ? "" : ": " + cause.getMessage())));
                    }
                    try {
                        return check(response, id, issuer, nonce);
                    } catch (OcspStatus.Unavailable e) {
                        throw new CompletionException(e);
                    }
                });
    }

    private OcspStatus check(HttpResponse<byte[]> response, CertificateID id, X509Certificate issuer, byte[] nonce)
            throws OcspStatus.Unavailable {
        if (response.statusCode() != 200) {
            throw new OcspStatus.Unavailable("HTTP status " + response.statusCode());
        }
        try {
            OCSPResp resp = new OCSPResp(response.body());
            if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
                throw new OcspStatus.Unavailable("responder status " + resp.getStatus() + " (RFC 6960 4.2.1)");
            }
            if (!(resp.getResponseObject() instanceof BasicOCSPResp basic)) {
                throw new OcspStatus.Unavailable("not a basic OCSP response");
            }
            if (!basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(signerKey(basic, issuer)))) {
                throw new OcspStatus.Unavailable("the response's signature does not verify");
            }
            Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (echoed != null && !echoed.getExtnValue().equals(new DEROctetString(new DEROctetString(nonce)))
                    && !echoed.getExtnValue().equals(new DEROctetString(nonce))) {
                throw new OcspStatus.Unavailable("the response answers another request (nonce)");
            }
            for (SingleResp single : basic.getResponses()) {
                if (single.getCertID().equals(id)) {
                    return status(single);
                }
            }
            throw new OcspStatus.Unavailable("the response does not name the certificate asked about");
        } catch (IOException | OCSPException | org.bouncycastle.operator.OperatorCreationException
                 | java.security.cert.CertificateException e) {
            throw new OcspStatus.Unavailable("unreadable response: " + e.getMessage());
        }
    }

    private OcspStatus status(SingleResp single) throws OcspStatus.Unavailable {
        Instant now = clock.instant();
        Instant thisUpdate = single.getThisUpdate().toInstant();
        Instant nextUpdate = single.getNextUpdate() == null ? null : single.getNextUpdate().toInstant();
        if (thisUpdate.isAfter(now.plus(CLOCK_SKEW))) {
            throw new OcspStatus.Unavailable("the response's thisUpdate " + thisUpdate + " is in the future");
        }
        if (nextUpdate != null && nextUpdate.plus(CLOCK_SKEW).isBefore(now)) {
            throw new OcspStatus.Unavailable("the response is stale (nextUpdate " + nextUpdate + ")");
        }
        CertificateStatus status = single.getCertStatus();
        if (status == CertificateStatus.GOOD) {
            return new OcspStatus(OcspStatus.State.GOOD, null, null, nextUpdate);
        }
        if (status instanceof RevokedStatus revoked) {
            String reason = revoked.hasRevocationReason()
                    ? reason(revoked.getRevocationReason()) : null;
            return new OcspStatus(OcspStatus.State.REVOKED, revoked.getRevocationTime().toInstant(), reason, nextUpdate);
        }
        return new OcspStatus(OcspStatus.State.UNKNOWN, null, null, nextUpdate);
    }

    /** RFC 5280's name; the JDK's CRLReason lists the codes in order. */
    private static String reason(int code) {
        java.security.cert.CRLReason[] reasons = java.security.cert.CRLReason.values();
        return code >= 0 && code < reasons.length ? ClientCertificateVerifier.reasonName(reasons[code]) : "reason " + code;
    }

    /** The issuer itself, or a responder certificate in the response that the issuer signed for OCSP. */
    private static PublicKey signerKey(BasicOCSPResp basic, X509Certificate issuer)
            throws java.security.cert.CertificateException, OcspStatus.Unavailable {
        X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
        if (basic.getResponderId().equals(new org.bouncycastle.cert.ocsp.RespID(issuerHolder.getSubject()))
                || matchesKey(basic, issuerHolder)) {
            return issuer.getPublicKey();
        }
        for (X509CertificateHolder holder : basic.getCerts()) {
            X509Certificate candidate = new JcaX509CertificateConverter().getCertificate(holder);
            try {
                candidate.verify(issuer.getPublicKey());
                candidate.checkValidity(java.util.Date.from(Instant.now()));
            } catch (java.security.GeneralSecurityException notDelegated) {
                continue;
            }
            if (candidate.getExtendedKeyUsage() != null
                    && candidate.getExtendedKeyUsage().contains(KeyPurposeId.id_kp_OCSPSigning.getId())) {
                return candidate.getPublicKey();
            }
        }
        throw new OcspStatus.Unavailable("signed neither by the issuer nor by a responder it delegated to");
    }

    private static boolean matchesKey(BasicOCSPResp basic, X509CertificateHolder issuer) {
        try {
            return basic.getResponderId().equals(new org.bouncycastle.cert.ocsp.RespID(
                    issuer.getSubjectPublicKeyInfo(), digests().get(CertificateID.HASH_SHA1)));
        } catch (OCSPException | org.bouncycastle.operator.OperatorCreationException e) {
            return false;
        }
    }

    private static DigestCalculatorProvider digests() throws org.bouncycastle.operator.OperatorCreationException {
        return new JcaDigestCalculatorProviderBuilder().build();
    }
}

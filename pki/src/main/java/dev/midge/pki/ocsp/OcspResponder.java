package dev.midge.pki.ocsp;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.index.IndexEntry;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

/**
 * Answers OCSP requests (RFC 6960) for the certificates the data directory's issuing CA issued,
 * from the same index the CRL is built from, so OCSP and the CRL never disagree: a serial the
 * index lists as revoked is revoked (with the index's reason and time), one it lists otherwise is
 * good, one it does not list, or from another issuer, is unknown. Signed by the delegated responder
 * of {@link OcspResponderCertificate}.
 */
public final class OcspResponder {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OcspResponder.class);

    /** How long a client may cache an answer: short, so a revocation reaches cached clients soon. */
    static final Duration VALIDITY = Duration.ofHours(1);
    /** A request for more certificates than this is an attack on the signer, not a client. */
    static final int MAX_REQUESTS = 16;

    private final DataDirectory data;
    private final OcspResponderCertificate responder;
    private final Clock clock;
    private final DigestCalculatorProvider digests;

    public OcspResponder(DataDirectory data, Clock clock) {
        this.data = data;
        this.clock = clock;
        this.responder = new OcspResponderCertificate(data, clock);
        try {
            this.digests = new JcaDigestCalculatorProviderBuilder().build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("no digest provider", e);
        }
    }

    /** The signer, created or renewed now if needed (the broker calls this once at start to fail early). */
    public OcspResponderCertificate.Signer signer() {
        return responder.signer();
    }

    /** The DER OCSPResponse to a DER OCSPRequest; a malformed request gets malformedRequest, never an exception. */
    public byte[] answer(byte[] requestDer) {
        OCSPReq request;
        try {
            request = new OCSPReq(requestDer);
        } catch (IOException | RuntimeException e) {
            return status(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        Req[] requests = request.getRequestList();
        if (requests.length == 0 || requests.length > MAX_REQUESTS) {
            return status(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        try {
            return sign(request, requests).getEncoded();
        } catch (OCSPException | IOException | CertificateEncodingException | OperatorCreationException
                 | RuntimeException e) {
            // An unreadable index or CA file: say so to the client (RFC 6960 internalError), never "good".
            LOG.error("OCSP: cannot answer: {}", e.getMessage());
            return status(OCSPRespBuilder.INTERNAL_ERROR);
        }
    }

    private OCSPResp sign(OCSPReq request, Req[] requests)
            throws OCSPException, CertificateEncodingException, OperatorCreationException {
        OcspResponderCertificate.Signer signer = responder.signer();
        X509CertificateHolder issuer = new JcaX509CertificateHolder(data.issuingCaCertificate());
        X509CertificateHolder responderCertificate = new JcaX509CertificateHolder(signer.certificate());
        Map<BigInteger, IndexEntry> index = new HashMap<>();
        for (IndexEntry e : data.index().entries()) {
            index.put(e.serial(), e);
        }
        Instant now = clock.instant();
        BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(
                new RespID(responderCertificate.getSubjectPublicKeyInfo(), digests.get(CertificateID.HASH_SHA1)));
        for (Req req : requests) {
            CertificateID id = req.getCertID();
            CertificateStatus status = id.matchesIssuer(issuer, digests)
                    ? status(index.get(id.getSerialNumber())) : new UnknownStatus();
            builder.addResponse(id, status, Date.from(now), Date.from(now.plus(VALIDITY)), null);
        }
        Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (nonce != null) {
            builder.setResponseExtensions(new Extensions(nonce));
        }
        String algorithm = signer.credentials().key().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        BasicOCSPResp basic = builder.build(new JcaContentSignerBuilder(algorithm).build(signer.credentials().key()),
                new X509CertificateHolder[] {responderCertificate}, Date.from(now));
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic);
    }

    private static CertificateStatus status(IndexEntry entry) {
        if (entry == null) {
            return new UnknownStatus();
        }
        if (entry.revokedAt() != null) {
            return new RevokedStatus(Date.from(entry.revokedAt()), entry.reason().code());
        }
        return CertificateStatus.GOOD;
    }

    private static byte[] status(int status) {
        try {
            return new OCSPRespBuilder().build(status, null).getEncoded();
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException("cannot encode an OCSP status", e);
        }
    }
}

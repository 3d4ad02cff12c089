package dev.midge.pki.enrollment;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.LogEscape;
import dev.midge.pki.PkiException;
import dev.midge.pki.crl.RevocationReason;
import dev.midge.pki.index.IndexEntry;
import dev.midge.pki.enrollment.http.HttpRequest;
import dev.midge.pki.enrollment.http.HttpResponse;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dojot EJBCA-REST's {@code /ca} routes over the data directory's CAs: the list (root and issuing
 * CA, by CN), a CA's certificate ({@code IOTmidCA}, dojot's name, gives the root: the anchor a
 * device needs), the CRL (read, renewed), and one device certificate by serial (read, status,
 * revoke); the CRL and certificate routes act on the one issuing CA whichever name is used.
 * A revocation writes the CRL file, which the running broker re-reads by itself and then drops
 * the device's live connection, as {@code device revoke} does. The caller has checked the admin
 * credential for everything but reading the CA certificate and CRL.
 */
final class EjbcaCaRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(EjbcaCaRoutes.class);
    /** dojot's name for its CA; accepted as well as the CAs' own CNs. */
    static final String DOJOT_CA_NAME = "IOTmidCA";
    private static final Pattern ROUTE =
            Pattern.compile("/ca(?:/([^/]+)(?:/(crl)|/certificate/([0-9A-Fa-f]{1,40})(/status)?)?)?/?");

    private final DataDirectory data;

    EjbcaCaRoutes(DataDirectory data) {
        this.data = data;
    }

    /** Reading the CA certificate and its CRL is public, as EST's /cacerts is. */
    static boolean isPublic(HttpRequest request) {
        Matcher m = ROUTE.matcher(request.path());
        return request.method().equals("GET") && m.matches() && m.group(3) == null
                && !"true".equalsIgnoreCase(request.queryParameter("update"));
    }

    HttpResponse handle(HttpRequest request) {
        Matcher m = ROUTE.matcher(request.path());
        if (!m.matches()) {
            return EjbcaJson.error(404, "expected /ca, /ca/<ca>, /ca/<ca>/crl or /ca/<ca>/certificate/<serial>[/status]");
        }
        String method = request.method();
        if (m.group(1) == null) {
            return method.equals("GET") ? EjbcaJson.ok("{\"CAs\":[" + nameAndId(rootName()) + ","
                    + nameAndId(caName()) + "]}") : EjbcaJson.error(405, "use GET");
        }
        String name = m.group(1);
        if (!name.equals(caName()) && !name.equals(rootName()) && !name.equals(DOJOT_CA_NAME)) {
            return EjbcaJson.error(404, "no CA named " + name + " (known: " + rootName() + ", " + caName() + ", "
                    + DOJOT_CA_NAME + ")");
        }
        try {
            if (m.group(2) != null) {
                return crl(request, method, name.equals(rootName()) ? data.rootCaCertificate()
                        : data.issuingCaCertificate());
            }
            if (m.group(3) != null) {
                return certificate(request, method, new BigInteger(m.group(3), 16), m.group(4) != null);
            }
            // dojot's IOTmidCA both signed the devices and anchored the broker's certificate, and
            // its retriever saves this one certificate as the devices' cafile: Midge's anchor is
            // the root, so that name gives the root.
            X509Certificate ca = name.equals(caName()) ? data.issuingCaCertificate() : data.rootCaCertificate();
            return method.equals("GET") ? EjbcaJson.ok("{\"certificate\":" + JsonText.string(EjbcaJson.der(ca)) + "}")
                    : EjbcaJson.error(405, "use GET");
        } catch (IOException | GeneralSecurityException e) {
            LOG.error("EJBCA-REST {} {} from {} failed: {}", method, LogEscape.of(request.path()), request.peer(),
                    e.getMessage());
            return EjbcaJson.error(500, "the CA could not do that: " + e.getMessage());
        }
    }

    /** The issuing CA's name in this API: its CN. */
    String caName() {
        return commonName(data.issuingCaCertificate());
    }

    private String rootName() {
        return commonName(data.rootCaCertificate());
    }

    private static String nameAndId(String name) {
        return "{\"name\":" + JsonText.string(name) + ",\"id\":" + (name.hashCode() & 0x7fffffff) + "}";
    }

    private static String commonName(X509Certificate ca) {
        try {
            var cn = new JcaX509CertificateHolder(ca).getSubject().getRDNs(BCStyle.CN);
            return cn.length == 0 ? ca.getSubjectX500Principal().getName() : IETFUtils.valueToString(cn[0].getFirst().getValue());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the issuing CA's subject", e);
        }
    }

    /** The CRL file holds the issuing CA's CRL (the devices') and the root's; {@code ca} picks one. */
    private HttpResponse crl(HttpRequest request, String method, X509Certificate ca)
            throws IOException, GeneralSecurityException {
        if (method.equals("PUT") || (method.equals("GET") && "true".equalsIgnoreCase(request.queryParameter("update")))) {
            data.authority().crlPublisher().publish();
            LOG.info("EJBCA-REST: renewed the CRL of {} for {}", caName(), request.peer());
            if (method.equals("PUT")) {
                return EjbcaJson.done();
            }
        } else if (!method.equals("GET")) {
            return EjbcaJson.error(405, "use GET or PUT");
        }
        try (InputStream in = Files.newInputStream(data.crlFile())) {
            for (var crl : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                if (((X509CRL) crl).getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                    return EjbcaJson.ok("{\"CRL\":" + JsonText.string(EjbcaJson.der((X509CRL) crl)) + "}");
                }
            }
        }
        return EjbcaJson.error(500, data.crlFile() + " holds no CRL of " + ca.getSubjectX500Principal().getName());
    }

    private HttpResponse certificate(HttpRequest request, String method, BigInteger serial, boolean status)
            throws IOException {
        Optional<IndexEntry> entry = data.index().entries().stream().filter(e -> e.serial().equals(serial)).findFirst();
        if (entry.isEmpty()) {
            return EjbcaJson.error(404, "no certificates found");
        }
        if (status) {
            if (!method.equals("GET")) {
                return EjbcaJson.error(405, "use GET");
            }
            IndexEntry e = entry.get();
            return EjbcaJson.ok("{\"status\":{\"reason\":" + JsonText.string(e.revokedAt() == null ? "NOT_REVOKED"
                    : EjbcaJson.reasonName(e.reason())) + ",\"date\":"
                    + (e.revokedAt() == null ? "null" : JsonText.string(e.revokedAt().toString())) + "}}");
        }
        if (method.equals("GET")) {
            return EjbcaJson.ok("{\"certificate\":" + JsonText.string(EjbcaJson.der(data.certificate(serial))) + "}");
        }
        if (!method.equals("DELETE")) {
            return EjbcaJson.error(405, "use GET or DELETE");
        }
        RevocationReason reason = EjbcaJson.reason(request.queryParameter("reason"));
        if (reason == null) {
            return EjbcaJson.error(400, "invalid revokation reason " + request.queryParameter("reason")
                    + " (known: " + String.join(", ", EjbcaJson.REASONS.keySet().stream().sorted().toList()) + ")");
        }
        try {
            IndexEntry revoked = data.authority().revoke(serial, reason);
            LOG.info("EJBCA-REST: revoked certificate {} of {} ({}) for {}; the CRL is written", revoked.serialHex(),
                    LogEscape.of(revoked.commonName()), EjbcaJson.reasonName(reason), request.peer());
            return EjbcaJson.done();
        } catch (PkiException e) {
            return EjbcaJson.error(400, e.getMessage());
        }
    }

}

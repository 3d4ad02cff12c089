package dev.midge.pki.enrollment;

import dev.midge.pki.enrollment.http.HttpHandler;
import dev.midge.pki.enrollment.http.HttpRequest;
import dev.midge.pki.enrollment.http.HttpResponse;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /sign/CNAME/pkcs10} with {@code {"passwd": SECRET, "certificate": BASE64_CSR}}:
 * the enrollment call of EJBCA-style REST clients. Answers as EJBCA's REST API does: a JSON
 * object with the base64 DER {@code certificate}, its {@code serial_number}, the
 * {@code response_format} and the {@code certificate_chain}; errors as
 * {@code {"error_code": N, "error_message": "..."}}.
 */
final class EjbcaSignHandler implements HttpHandler {

    static final String PATH = "/sign/";
    private static final Pattern ROUTE = Pattern.compile("/sign/([^/]+)/pkcs10");

    private final Enrollment enrollment;

    EjbcaSignHandler(Enrollment enrollment) {
        this.enrollment = enrollment;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        Matcher route = ROUTE.matcher(request.path());
        if (!route.matches()) {
            return error(404, "expected POST /sign/<cname>/pkcs10");
        }
        if (!request.method().equals("POST")) {
            return error(405, "use POST");
        }
        String body = request.bodyText();
        String secret = field(body, "passwd");
        String csrText = field(body, "certificate");
        if (secret == null || csrText == null) {
            return error(400, "expected a JSON object with \"passwd\" and \"certificate\" (base64 PKCS#10)");
        }
        PKCS10CertificationRequest csr;
        try {
            csr = CertificationRequests.fromText(csrText);
        } catch (IOException e) {
            return error(400, "\"certificate\" is not a base64 or PEM PKCS#10 request");
        }
        Enrollment.Outcome outcome = enrollment.redeem(route.group(1), secret, csr, request.peer());
        if (outcome.retryAfter() != null) {
            return error(429, "too many refused enrollment attempts; retry later")
                    .withHeader("Retry-After", Long.toString(outcome.retryAfterSeconds()));
        } else if (outcome.refusedAuth() != null) {
            return error(401, outcome.refusedAuth());
        } else if (outcome.refusedRequest() != null) {
            return error(400, outcome.refusedRequest());
        }
        var data = enrollment.data();
        X509Certificate cert = outcome.issued().certificate();
        String json = "{\"certificate\":" + JsonText.string(der(cert))
                + ",\"serial_number\":" + JsonText.string(outcome.issued().entry().serialHex())
                + ",\"response_format\":\"DER\""
                + ",\"certificate_chain\":[" + JsonText.string(der(data.issuingCaCertificate())) + ","
                + JsonText.string(der(data.rootCaCertificate())) + "]}";
        return HttpResponse.of(201, "application/json", json + "\n");
    }

    /**
     * A string field of a flat JSON object: all this endpoint needs, without a JSON library. The
     * quantifiers are possessive: with a plain {@code (a|b)*} the regex engine recurses once per
     * character and a 64 KiB body overflows the stack.
     */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]++|\\\\.)*+)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static String der(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate", e);
        }
    }

    private static HttpResponse error(int status, String message) {
        return HttpResponse.of(status, "application/json",
                "{\"error_code\":" + status + ",\"error_message\":" + JsonText.string(message) + "}\n");
    }
}

package dev.midge.pki.enrollment;

import dev.midge.pki.enrollment.http.HttpHandler;
import dev.midge.pki.enrollment.http.HttpRequest;
import dev.midge.pki.enrollment.http.HttpResponse;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /sign/CNAME/pkcs10} with {@code {"passwd": PASSWORD, "certificate": BASE64_CSR}}:
 * the enrollment call of dojot's EJBCA-REST, answered as it answers:
 * {@code {"status": {"data": BASE64_DER, "responseType": "CERTIFICATE"}}}. As in EJBCA, the
 * certificate carries the end entity's subject (CN=CNAME), not the CSR's, and the password works
 * once: a second certificate needs the end entity reset to NEW ({@code POST /user} again).
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
            return EjbcaJson.error(404, "expected POST /sign/<cname>/pkcs10");
        }
        if (!request.method().equals("POST")) {
            return EjbcaJson.error(405, "use POST");
        }
        String body = request.bodyText();
        String secret = EjbcaJson.field(body, "passwd");
        String csrText = EjbcaJson.field(body, "certificate");
        if (secret == null || csrText == null) {
            return EjbcaJson.error(400, "Missing parameter. Expected: passwd and certificate (base64 PKCS#10)");
        }
        PKCS10CertificationRequest csr;
        try {
            csr = CertificationRequests.fromText(csrText);
        } catch (IOException e) {
            return EjbcaJson.error(400, "\"certificate\" is not a base64 or PEM PKCS#10 request");
        }
        Enrollment.Outcome outcome = enrollment.redeem(route.group(1), secret, csr, request.peer(), true);
        if (outcome.retryAfter() != null) {
            return EjbcaJson.error(429, "too many refused enrollment attempts; retry later")
                    .withHeader("Retry-After", Long.toString(outcome.retryAfterSeconds()));
        } else if (outcome.refusedAuth() != null) {
            return EjbcaJson.error(401, outcome.refusedAuth());
        } else if (outcome.refusedRequest() != null) {
            return EjbcaJson.error(400, outcome.refusedRequest());
        }
        return EjbcaJson.ok("{\"status\":{\"data\":" + JsonText.string(EjbcaJson.der(outcome.issued().certificate()))
                + ",\"responseType\":\"CERTIFICATE\"}}");
    }
}

package dev.midge.pki.enrollment;

import dev.midge.pki.enrollment.http.HttpHandler;
import dev.midge.pki.enrollment.http.HttpRequest;
import dev.midge.pki.enrollment.http.HttpResponse;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * EST (RFC 7030) over the one-time enrollment secrets: {@code GET cacerts} hands out the CA
 * chain, {@code POST simpleenroll} takes a base64 PKCS#10 request with HTTP basic auth
 * (user = device ID, password = its one-time secret) and returns the certificate, both as
 * base64 PKCS#7 certs-only.
 */
final class EstHandler implements HttpHandler {

    static final String PATH = "/.well-known/est/";
    private static final String CERTS_ONLY = "application/pkcs7-mime; smime-type=certs-only";
    private static final String REALM = "Basic realm=\"midge enrollment\"";

    private final Enrollment enrollment;

    EstHandler(Enrollment enrollment) {
        this.enrollment = enrollment;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        String operation = request.path().substring(PATH.length());
        String method = request.method();
        if (operation.equals("cacerts") && method.equals("GET")) {
            var data = enrollment.data();
            return HttpResponse.of(200, "application/pkcs7-mime",
                            CertsOnly.encode(List.of(data.issuingCaCertificate(), data.rootCaCertificate())))
                    .withHeader("Content-Transfer-Encoding", "base64");
        } else if (operation.equals("simpleenroll") && method.equals("POST")) {
            return simpleEnroll(request);
        } else if (operation.equals("cacerts") || operation.equals("simpleenroll")) {
            return HttpResponse.text(405, method + " is not allowed on " + operation);
        }
        return HttpResponse.text(404, "unsupported EST operation '" + operation + "'");
    }

    private HttpResponse simpleEnroll(HttpRequest request) {
        String[] credentials = basicAuth(request.header("Authorization"));
        if (credentials == null) {
            return HttpResponse.text(401, "HTTP basic authentication (device ID and enrollment secret) is required")
                    .withHeader("WWW-Authenticate", REALM);
        }
        PKCS10CertificationRequest csr;
        try {
            csr = CertificationRequests.fromDer(Base64.getMimeDecoder().decode(request.bodyText().strip()));
        } catch (IOException | IllegalArgumentException e) {
            return HttpResponse.text(400, "the body must be a base64 DER PKCS#10 request");
        }
        Enrollment.Outcome outcome = enrollment.redeem(credentials[0], credentials[1], csr, request.peer());
        if (outcome.retryAfter() != null) {
            return HttpResponse.text(429, "too many refused enrollment attempts; retry later")
                    .withHeader("Retry-After", Long.toString(outcome.retryAfterSeconds()));
        } else if (outcome.refusedAuth() != null) {
            return HttpResponse.text(401, outcome.refusedAuth()).withHeader("WWW-Authenticate", REALM);
        } else if (outcome.refusedRequest() != null) {
            return HttpResponse.text(400, outcome.refusedRequest());
        }
        return HttpResponse.of(200, CERTS_ONLY, CertsOnly.encode(List.of(outcome.issued().certificate())))
                .withHeader("Content-Transfer-Encoding", "base64");
    }

    private static String[] basicAuth(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

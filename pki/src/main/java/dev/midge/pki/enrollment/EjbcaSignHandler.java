package dev.midge.pki.enrollment;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.midge.pki.DataDirectory;
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

    private final DataDirectory data;

    EjbcaSignHandler(DataDirectory data) {
        this.data = data;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher route = ROUTE.matcher(exchange.getRequestURI().getPath());
            if (!route.matches()) {
                error(exchange, 404, "expected POST /sign/<cname>/pkcs10");
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                error(exchange, 405, "use POST");
                return;
            }
            String body = Exchanges.body(exchange);
            String secret = field(body, "passwd");
            String csrText = field(body, "certificate");
            if (secret == null || csrText == null) {
                error(exchange, 400, "expected a JSON object with \"passwd\" and \"certificate\" (base64 PKCS#10)");
                return;
            }
            PKCS10CertificationRequest csr;
            try {
                csr = CertificationRequests.fromText(csrText);
            } catch (IOException e) {
                error(exchange, 400, "\"certificate\" is not a base64 or PEM PKCS#10 request");
                return;
            }
            Enrollment.Outcome outcome = Enrollment.redeem(data, route.group(1), secret, csr, exchange.getRemoteAddress());
            if (outcome.refusedAuth() != null) {
                error(exchange, 401, outcome.refusedAuth());
            } else if (outcome.refusedRequest() != null) {
                error(exchange, 400, outcome.refusedRequest());
            } else {
                X509Certificate cert = outcome.issued().certificate();
                String json = "{\"certificate\":" + Exchanges.jsonString(der(cert))
                        + ",\"serial_number\":" + Exchanges.jsonString(outcome.issued().entry().serialHex())
                        + ",\"response_format\":\"DER\""
                        + ",\"certificate_chain\":[" + Exchanges.jsonString(der(data.issuingCaCertificate())) + ","
                        + Exchanges.jsonString(der(data.rootCaCertificate())) + "]}";
                Exchanges.respond(exchange, 201, "application/json", json + "\n");
            }
        }
    }

    /** A string field of a flat JSON object: all this endpoint needs, without a JSON library. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static String der(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate", e);
        }
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        Exchanges.respond(exchange, status, "application/json",
                "{\"error_code\":" + status + ",\"error_message\":" + Exchanges.jsonString(message) + "}\n");
    }
}

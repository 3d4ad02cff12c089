package dev.midge.pki.enrollment;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.midge.pki.DataDirectory;
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

    private final DataDirectory data;

    EstHandler(DataDirectory data) {
        this.data = data;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String operation = exchange.getRequestURI().getPath().substring(PATH.length());
            String method = exchange.getRequestMethod();
            if (operation.equals("cacerts") && method.equals("GET")) {
                exchange.getResponseHeaders().set("Content-Transfer-Encoding", "base64");
                Exchanges.respond(exchange, 200, "application/pkcs7-mime",
                        CertsOnly.encode(List.of(data.issuingCaCertificate(), data.rootCaCertificate())));
            } else if (operation.equals("simpleenroll") && method.equals("POST")) {
                simpleEnroll(exchange);
            } else if (operation.equals("cacerts") || operation.equals("simpleenroll")) {
                Exchanges.text(exchange, 405, method + " is not allowed on " + operation);
            } else {
                Exchanges.text(exchange, 404, "unsupported EST operation '" + operation + "'");
            }
        }
    }

    private void simpleEnroll(HttpExchange exchange) throws IOException {
        String[] credentials = basicAuth(exchange.getRequestHeaders().getFirst("Authorization"));
        if (credentials == null) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"midge enrollment\"");
            Exchanges.text(exchange, 401, "HTTP basic authentication (device ID and enrollment secret) is required");
            return;
        }
        String id = credentials[0];
        PKCS10CertificationRequest csr;
        try {
            csr = CertificationRequests.fromDer(Base64.getMimeDecoder().decode(Exchanges.body(exchange).strip()));
        } catch (IOException | IllegalArgumentException e) {
            Exchanges.text(exchange, 400, "the body must be a base64 DER PKCS#10 request");
            return;
        }
        Enrollment.Outcome outcome = Enrollment.redeem(data, id, credentials[1], csr, exchange.getRemoteAddress());
        if (outcome.refusedAuth() != null) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"midge enrollment\"");
            Exchanges.text(exchange, 401, outcome.refusedAuth());
        } else if (outcome.refusedRequest() != null) {
            Exchanges.text(exchange, 400, outcome.refusedRequest());
        } else {
            exchange.getResponseHeaders().set("Content-Transfer-Encoding", "base64");
            Exchanges.respond(exchange, 200, CERTS_ONLY, CertsOnly.encode(List.of(outcome.issued().certificate())));
        }
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

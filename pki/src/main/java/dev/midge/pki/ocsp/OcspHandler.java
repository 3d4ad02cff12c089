package dev.midge.pki.ocsp;

import dev.midge.pki.enrollment.http.HttpHandler;
import dev.midge.pki.enrollment.http.HttpRequest;
import dev.midge.pki.enrollment.http.HttpResponse;

import java.util.Base64;
import java.util.Map;

/**
 * OCSP over HTTP (RFC 6960 A.1): {@code POST /ocsp} with an {@code application/ocsp-request}
 * body, or {@code GET /ocsp/<base64 of the DER request>}; answers {@code application/ocsp-response}.
 * Runs on the HTTP listener's connection threads (reading the index and signing are blocking work).
 */
public final class OcspHandler implements HttpHandler {

    public static final String PATH = "/ocsp";
    private static final String REQUEST_TYPE = "application/ocsp-request";
    private static final String RESPONSE_TYPE = "application/ocsp-response";

    private final OcspResponder responder;

    public OcspHandler(OcspResponder responder) {
        this.responder = responder;
    }

    /** Whether a request is for this handler. */
    public static boolean handles(HttpRequest request) {
        return request.path().equals(PATH) || request.path().startsWith(PATH + "/");
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        if (request.method().equals("POST")) {
            String type = request.header("Content-Type");
            if (type == null || !type.strip().toLowerCase(java.util.Locale.ROOT).startsWith(REQUEST_TYPE)) {
                return HttpResponse.text(415, "an OCSP request is sent as " + REQUEST_TYPE);
            }
            return answer(request.body());
        }
        if (request.method().equals("GET")) {
            String encoded = request.path().length() > PATH.length() + 1 ? request.path().substring(PATH.length() + 1) : "";
            try {
                // The path is already percent-decoded; base64 may hold '/', which stays in the path.
                return answer(Base64.getDecoder().decode(encoded.strip()));
            } catch (IllegalArgumentException e) {
                return HttpResponse.text(400, "GET " + PATH + "/ takes the base64 DER OCSP request");
            }
        }
        return HttpResponse.text(405, request.method() + " is not allowed on " + PATH);
    }

    private HttpResponse answer(byte[] der) {
        return new HttpResponse(200, Map.of("Content-Type", RESPONSE_TYPE), responder.answer(der));
    }
}

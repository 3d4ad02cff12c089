package dev.midge.pki.enrollment.http;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request, read in full before any handler sees it: a handler never waits on the
 * client.
 *
 * @param method  "GET", "POST"
 * @param path    the URL path, percent-decoded (it may hold any character: log it escaped)
 * @param headers header names in lower case; the last value wins
 * @param body    the request body, at most {@link RequestReader#MAX_BODY} bytes
 * @param peer    the client's address
 */
public record HttpRequest(String method, String path, Map<String, String> headers, byte[] body,
                          InetSocketAddress peer) {

    public HttpRequest {
        headers = Map.copyOf(headers);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Enrollment bodies are base64 or JSON with base64 in it: ASCII. */
    public String bodyText() {
        return new String(body, StandardCharsets.US_ASCII);
    }
}

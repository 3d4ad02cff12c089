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
 * @param query   the raw query string after '?', "" if none
 */
public record HttpRequest(String method, String path, Map<String, String> headers, byte[] body,
                          InetSocketAddress peer, String query) {

    public HttpRequest {
        headers = Map.copyOf(headers);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** A query parameter, percent-decoded; null if absent. */
    public String queryParameter(String name) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            try {
                if (java.net.URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                    return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException malformedPercentEscape) {
                return null;
            }
        }
        return null;
    }

    /** Enrollment bodies are base64 or JSON with base64 in it: ASCII. */
    public String bodyText() {
        return new String(body, StandardCharsets.US_ASCII);
    }
}

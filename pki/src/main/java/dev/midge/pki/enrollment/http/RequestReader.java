package dev.midge.pki.enrollment.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.1 request (request line, headers, a Content-Length body) with hard size
 * limits: an enrollment request is a few kilobytes, anything much larger is an attack on memory.
 * Chunked bodies are refused (411): EST and EJBCA-style clients send Content-Length.
 */
final class RequestReader {

    static final int MAX_HEAD = 8 * 1024;
    static final int MAX_BODY = 64 * 1024;

    /** A request that cannot be served, with the status to answer it with. */
    static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private RequestReader() {
    }

    static HttpRequest read(InputStream in, OutputStream out, InetSocketAddress peer) throws IOException, BadRequest {
        String head = readHead(in);
        String[] lines = head.split("\r?\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            throw new BadRequest(400, "malformed request line");
        }
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new BadRequest(400, "malformed header line");
            }
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        String path;
        String query;
        try {
            URI target = new URI(requestLine[1]);
            path = target.getPath();
            query = target.getRawQuery();
        } catch (URISyntaxException e) {
            throw new BadRequest(400, "malformed request target");
        }
        if (path == null) {
            throw new BadRequest(400, "malformed request target");
        }
        if (headers.containsKey("transfer-encoding")) {
            throw new BadRequest(411, "send the body with a Content-Length");
        }
        int length = contentLength(headers.get("content-length"));
        if (length > 0 && "100-continue".equalsIgnoreCase(headers.get("expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("the client closed the connection inside the body");
        }
        return new HttpRequest(requestLine[0], path, headers, body, peer, query == null ? "" : query);
    }

    private static String readHead(InputStream in) throws IOException, BadRequest {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int newlines = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the client closed the connection inside the request head");
            }
            if (b == '\n') {
                if (++newlines == 2) {
                    return head.toString(StandardCharsets.ISO_8859_1).strip();
                }
            } else if (b != '\r') {
                newlines = 0;
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new BadRequest(431, "request head larger than " + MAX_HEAD + " bytes");
            }
        }
    }

    private static int contentLength(String value) throws BadRequest {
        if (value == null) {
            return 0;
        }
        long length;
        try {
            length = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "malformed Content-Length");
        }
        if (length < 0) {
            throw new BadRequest(400, "malformed Content-Length");
        }
        if (length > MAX_BODY) {
            throw new BadRequest(413, "request body larger than " + MAX_BODY + " bytes");
        }
        return (int) length;
    }
}

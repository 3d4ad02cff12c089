package dev.midge.pki.enrollment;

import dev.midge.pki.store.Pem;
import dev.midge.testing.JsseMaterial;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * A deliberately plain HTTPS client for the enrollment server: it can stop half-way through a
 * request (a slow client) and connect from a chosen loopback address (127.0.0.2 is another
 * client as far as per-address limits go), which neither curl nor HttpClient make easy.
 */
final class EnrollmentClient {

    /** What the server answered; status -1 if it closed the connection without an answer. */
    record Response(int status, String head, String body) {
    }

    private final SSLContext tls;
    private final int port;

    EnrollmentClient(Path caChain, int port) throws GeneralSecurityException {
        this.tls = SSLContext.getInstance("TLS");
        tls.init(null, JsseMaterial.trustManagers(Pem.readCertificates(caChain).toArray(X509Certificate[]::new))
                .getTrustManagers(), null);
        this.port = port;
    }

    /** A handshaken connection from {@code from} (e.g. "127.0.0.2"). */
    SSLSocket connect(String from) throws IOException {
        Socket plain = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0);
        plain.setSoTimeout(30_000);
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost", port, true);
        socket.startHandshake();
        return socket;
    }

    Response get(String from, String path) throws IOException {
        return exchange(from, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    }

    /** EJBCA-style {@code POST /sign/CNAME/pkcs10}; {@code rawCname} goes into the path as is. */
    Response sign(String from, String rawCname, String secret, byte[] csrDer) throws IOException {
        String json = "{\"passwd\":\"" + secret + "\",\"certificate\":\"" + Base64.getEncoder().encodeToString(csrDer)
                + "\"}";
        return exchange(from, "POST /sign/" + rawCname + "/pkcs10 HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + json.length() + "\r\n\r\n" + json);
    }

    /** EST simpleenroll with basic auth. */
    Response simpleEnroll(String from, String id, String secret, byte[] csrDer) throws IOException {
        String body = Base64.getEncoder().encodeToString(csrDer);
        String auth = Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return exchange(from, "POST /.well-known/est/simpleenroll HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Basic " + auth + "\r\nContent-Type: application/pkcs10\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body);
    }

    Response exchange(String from, String request) throws IOException {
        try (SSLSocket socket = connect(from)) {
            return send(socket, request);
        }
    }

    /** Sends (the rest of) a request on an open connection and reads the answer to the end. */
    static Response send(SSLSocket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read(socket);
    }

    /** Reads one answer: its head, then Content-Length bytes (the server may keep the connection open). */
    static Response read(SSLSocket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return new Response(-1, head.toString(StandardCharsets.ISO_8859_1), "");
            }
            head.write(b);
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1).strip();
        int length = 0;
        for (String line : headText.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Response(Integer.parseInt(headText.split(" ")[1]), headText, body);
    }
}

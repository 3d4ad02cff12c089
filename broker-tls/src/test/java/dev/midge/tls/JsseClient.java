package dev.midge.tls;

import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.JsseMaterial;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;

/** A JSSE client: connects, handshakes, reads the test server's one line. */
final class JsseClient {

    /** What the client saw: the server's line, or why it failed. */
    record Outcome(String line, Exception failure, SSLSocket socket, X509Certificate serverCertificate) {
        boolean accepted() {
            return line != null && line.startsWith("OK");
        }

        String username() {
            return line == null ? null : line.substring("OK user=".length());
        }
    }

    private JsseClient() {
    }

    static Outcome connect(int port, X509Certificate ca, IssuedCertificate client, String... protocols) {
        return connect(port, ca, client, true, protocols);
    }

    /** @param close whether to close the socket after reading the line (false: keep it for later checks) */
    static Outcome connect(int port, X509Certificate ca, IssuedCertificate client, boolean close, String... protocols) {
        SSLSocket socket = null;
        try {
            SSLContext context = context(ca, client);
            socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            if (protocols.length > 0) {
                socket.setEnabledProtocols(protocols);
            }
            socket.startHandshake();
            // TLS 1.3 finishes the client's side before the server has judged its certificate:
            // the verdict arrives as the server's first line or as an alert.
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
            X509Certificate server = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            if (close) {
                socket.close();
            }
            return new Outcome(line, null, socket, server);
        } catch (Exception e) {
            closeQuietly(socket);
            return new Outcome(null, e, null, null);
        }
    }

    private static SSLContext context(X509Certificate ca, IssuedCertificate client) throws Exception {
        TrustManagerFactory tmf = JsseMaterial.trustManagers(ca);
        SSLContext context = SSLContext.getInstance("TLS");
        // Present the certificate whatever CAs the server names, as openssl and mosquitto do:
        // JSSE's own key manager would stay silent for a foreign-CA certificate.
        KeyManager[] keyManagers = client == null ? null : new KeyManager[]{new AlwaysPresent(client)};
        context.init(keyManagers, tmf.getTrustManagers(), null);
        return context;
    }

    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final IssuedCertificate client;

        AlwaysPresent(IssuedCertificate client) {
            this.client = client;
        }

        @Override public String[] getClientAliases(String keyType, Principal[] issuers) { return new String[]{"client"}; }
        @Override public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) { return "client"; }
        @Override public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) { return "client"; }
        @Override public String[] getServerAliases(String keyType, Principal[] issuers) { return null; }
        @Override public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) { return null; }
        @Override public X509Certificate[] getCertificateChain(String alias) { return chain(client); }
        @Override public PrivateKey getPrivateKey(String alias) { return client.privateKey(); }
    }

    /** What the client's chain file holds: the leaf, then any intermediate. */
    private static X509Certificate[] chain(IssuedCertificate client) {
        try (var in = java.nio.file.Files.newInputStream(client.chainFile())) {
            return java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + client.chainFile(), e);
        }
    }

    private static void closeQuietly(SSLSocket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (Exception ignored) {
                // already failed; the outcome says why
            }
        }
    }
}

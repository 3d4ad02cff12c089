package dev.midge.cli.admin;

import dev.midge.pki.enrollment.CertsOnly;
import dev.midge.pki.store.Pem;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** The device side of EST (RFC 7030): fetch the CA certificates, send a CSR, get the certificate. */
final class EstClient {

    private final HttpClient http;
    private final URI base;

    /**
     * @param caFile   trust only this CA chain (PEM), or null
     * @param insecure trust any server certificate (for a first contact without a CA file)
     */
    EstClient(URI base, Path caFile, boolean insecure) throws GeneralSecurityException, IOException {
        this.base = base;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (insecure) {
            builder.sslContext(trustAll());
        } else if (caFile != null) {
            builder.sslContext(trusting(Pem.readCertificates(caFile)));
        }
        this.http = builder.build();
    }

    List<X509Certificate> caCertificates() throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/.well-known/est/cacerts")).GET());
        return CertsOnly.decode(response.body());
    }

    X509Certificate simpleEnroll(String id, String secret, byte[] csrDer) throws IOException, InterruptedException {
        String auth = Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/.well-known/est/simpleenroll"))
                .header("Authorization", "Basic " + auth)
                .header("Content-Type", "application/pkcs10")
                .POST(HttpRequest.BodyPublishers.ofString(Base64.getMimeEncoder().encodeToString(csrDer))));
        List<X509Certificate> certificates = CertsOnly.decode(response.body());
        if (certificates.isEmpty()) {
            throw new AdminException(base + ": the enrollment response holds no certificate");
        }
        return certificates.get(0);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (javax.net.ssl.SSLException e) {
            throw new AdminException(base + ": TLS failed (" + e.getMessage() + "); give the server's CA with --cafile"
                    + " or, on a trusted network only, --insecure-skip-verify");
        } catch (java.net.ConnectException e) {
            // The JDK's HttpClient throws it with no message; the cause says "Connection refused".
            String cause = e.getMessage() != null ? e.getMessage()
                    : e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : "no answer";
            throw new AdminException(base + ": cannot connect: nothing accepts connections at " + base.getHost()
                    + ":" + port(base) + " (" + cause + "); is the broker running with --enrollment-port "
                    + port(base) + "?");
        }
        if (response.statusCode() != 200) {
            throw new AdminException(base + " answered " + response.statusCode() + ": " + response.body().strip());
        }
        return response;
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : 443;
    }

    private static SSLContext trusting(List<X509Certificate> cas) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry("ca" + i, cas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** Accepts every server certificate and host name: only what --insecure-skip-verify asks for. */
    private static SSLContext trustAll() throws GeneralSecurityException {
        TrustManager all = new X509ExtendedTrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) { }
            @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) { }
            @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) { }
            @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) { }
            @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
            @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
            @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {all}, null);
        return context;
    }
}

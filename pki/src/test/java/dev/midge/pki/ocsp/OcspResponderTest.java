package dev.midge.pki.ocsp;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.IssuedCertificate;
import dev.midge.pki.SecureDefault;
import dev.midge.pki.crl.RevocationReason;
import dev.midge.pki.enrollment.EnrollmentServer;
import dev.midge.pki.issue.KeyPairs;
import dev.midge.pki.store.Pem;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in OCSP responder, asked by the real {@code openssl ocsp} (and curl for GET), with
 * the URL taken from the certificate's own authorityInfoAccess and every response's signature
 * verified against the CA chain.
 */
class OcspResponderTest {

    @TempDir
    static Path temp;
    static SecureDefault setup;
    static DataDirectory data;
    static OcspServer server;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        setup = DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
        data = DataDirectory.open(setup.dataDirectory());
        server = OcspServer.start(new java.net.InetSocketAddress("127.0.0.1", 0), data);
        url = "http://127.0.0.1:" + server.port() + "/ocsp";
        data.ocspUrl(url);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void issuedCertificateCarriesTheResponderUrlAndIsGoodThenRevokedWithItsReason() throws Exception {
        Path device = issue("ocsp-dev1");
        Result uri = run("openssl", "x509", "-noout", "-ocsp_uri", "-in", device.toString());
        assertEquals(url, uri.output().strip());

        Result good = ocsp("-cert", device.toString(), "-url", uri.output().strip());
        assertTrue(good.output().contains("Response verify OK"), good.output());
        assertTrue(good.output().contains(device + ": good"), good.output());
        assertTrue(good.output().contains("Responder Id: "), good.output());

        data.authority().revoke("ocsp-dev1", RevocationReason.keyCompromise);

        Result revoked = ocsp("-cert", device.toString(), "-url", url);
        assertTrue(revoked.output().contains("Response verify OK"), revoked.output());
        assertTrue(revoked.output().contains(device + ": revoked"), revoked.output());
        assertTrue(revoked.output().contains("Reason: keyCompromise"), revoked.output());
        // ... and the CRL written by the same revoke agrees.
        Result crl = run("openssl", "verify", "-crl_check", "-CAfile", setup.caChain().toString(),
                "-CRLfile", setup.crlFile().toString(), device.toString());
        assertTrue(crl.output().contains("certificate revoked"), crl.output());
    }

    @Test
    void serialTheCaNeverIssuedIsUnknown() throws Exception {
        Result unknown = ocsp("-serial", "0x1234567890ABCDEF", "-url", url);
        assertTrue(unknown.output().contains("Response verify OK"), unknown.output());
        assertTrue(unknown.output().contains("0x1234567890ABCDEF: unknown"), unknown.output());
    }

    @Test
    void getWithTheBase64RequestInThePathIsAnswered() throws Exception {
        Path device = issue("ocsp-get");
        Path request = temp.resolve("get.req");
        assertEquals(0, run("openssl", "ocsp", "-issuer", data.issuingCertificate().toString(), "-cert",
                device.toString(), "-no_nonce", "-reqout", request.toString()).exitCode());
        String encoded = Base64.getEncoder().encodeToString(Files.readAllBytes(request))
                .replace("+", "%2B").replace("/", "%2F").replace("=", "%3D");
        Path response = temp.resolve("get.resp");
        Result get = run("curl", "-sS", "--max-time", "30", "-o", response.toString(),
                "-w", "%{http_code} %{content_type}", url + "/" + encoded);
        assertEquals("200 application/ocsp-response", get.output().strip());

        Result text = run("openssl", "ocsp", "-respin", response.toString(), "-issuer",
                data.issuingCertificate().toString(), "-cert", device.toString(), "-CAfile", setup.caChain().toString(),
                "-resp_text");
        assertTrue(text.output().contains("Response verify OK"), text.output());
        assertTrue(text.output().contains(device + ": good"), text.output());
    }

    @Test
    void enrollmentServerAnswersOcspOverHttpsToo() throws Exception {
        Path device = issue("ocsp-https");
        try (EnrollmentServer enrollment = EnrollmentServer.start(0, data, setup.serverCertificate(),
                setup.serverKey())) {
            Result r = ocsp("-cert", device.toString(), "-url", "https://localhost:" + enrollment.port() + "/ocsp");
            assertTrue(r.output().contains("Response verify OK"), r.output());
            assertTrue(r.output().contains(device + ": good"), r.output());
        }
    }

    @Test
    void garbageIsAMalformedRequestNotAnError() throws Exception {
        Path body = temp.resolve("garbage");
        Files.writeString(body, "not an OCSP request");
        Path response = temp.resolve("garbage.resp");
        Result post = run("curl", "-sS", "--max-time", "30", "-o", response.toString(), "-w", "%{http_code}",
                "-H", "Content-Type: application/ocsp-request", "--data-binary", "@" + body, url);
        assertEquals("200", post.output().strip());
        Result text = run("openssl", "ocsp", "-respin", response.toString(), "-resp_text", "-noverify");
        assertTrue(text.output().contains("malformedrequest"), text.output());
    }

    @Test
    void unreadableIndexIsAnInternalErrorNeverGood() throws Exception {
        Path device = issue("ocsp-broken");
        Path index = data.path().resolve("index.txt");
        String saved = Files.readString(index);
        try {
            Files.writeString(index, saved + "not\ta valid line\n");
            Result r = ocsp("-cert", device.toString(), "-url", url);
            assertTrue(r.output().contains("Responder Error: internalerror"), r.output());
        } finally {
            Files.writeString(index, saved);
        }
    }

    private static Path issue(String name) throws IOException {
        IssuedCertificate issued = data.authority().issue(name,
                SubjectPublicKeyInfo.getInstance(KeyPairs.ec("P-256").getPublic().getEncoded()), null, "device");
        Path file = temp.resolve(name + ".crt");
        Files.writeString(file, Pem.encode(issued.certificate()));
        return file;
    }

    /** openssl ocsp with the issuing CA as issuer, verifying the response against the CA chain. */
    private static Result ocsp(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl", "ocsp", "-issuer",
                data.issuingCertificate().toString(), "-CAfile", setup.caChain().toString(), "-resp_text",
                "-timeout", "30"));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    record Result(int exitCode, String output) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(temp.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(List.of(command) + " did not finish");
        }
        return new Result(p.exitValue(), out);
    }
}

package dev.midge.pki.enrollment;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The enrollment endpoints, driven by the real curl and checked by the real openssl. */
class EnrollmentServerTest {

    @TempDir
    static Path temp;
    static SecureDefault setup;
    static DataDirectory data;
    static EnrollmentServer server;

    @BeforeAll
    static void start() throws Exception {
        setup = DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
        data = DataDirectory.open(setup.dataDirectory());
        server = EnrollmentServer.start(0, data, setup.serverCertificate(), setup.serverKey());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void estCacertsReturnsTheChainAsBase64Pkcs7() throws Exception {
        Result r = curl("-sS", "--fail", "--cacert", setup.caChain().toString(), url("/.well-known/est/cacerts"));
        assertEquals(0, r.exitCode(), r.output());
        List<X509Certificate> chain = CertsOnly.decode(r.output());
        assertEquals(List.of(data.issuingCaCertificate(), data.rootCaCertificate()), chain);
    }

    @Test
    void estSimpleenrollIssuesOnceForTheOneTimeSecret() throws Exception {
        String secret = data.enrollments().register("est-device", "device", EnrollmentRegistry.DEFAULT_VALIDITY);
        Path csrBase64 = csrBase64("est-device");

        Result first = curl("-sS", "--cacert", setup.caChain().toString(), "--user", "est-device:" + secret,
                "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + csrBase64,
                "-w", "\n%{http_code}", url("/.well-known/est/simpleenroll"));

        assertTrue(first.output().endsWith("\n200"), first.output());
        String body = first.output().substring(0, first.output().lastIndexOf('\n'));
        X509Certificate issued = CertsOnly.decode(body).get(0);
        assertEquals("CN=est-device", issued.getSubjectX500Principal().getName());
        Path pem = temp.resolve("est-device.crt");
        Files.writeString(pem, dev.midge.pki.store.Pem.encode(issued));
        Result verify = run(List.of("openssl", "verify", "-CAfile", setup.caChain().toString(), pem.toString()));
        assertEquals(0, verify.exitCode(), verify.output());

        Result again = curl("-sS", "--cacert", setup.caChain().toString(), "--user", "est-device:" + secret,
                "--data-binary", "@" + csrBase64, "-w", "\n%{http_code}", url("/.well-known/est/simpleenroll"));
        assertTrue(again.output().endsWith("\n401"), again.output());
    }

    @Test
    void ejbcaStyleSignReturnsTheCertificateAsJsonAndRefusesAWrongSecret() throws Exception {
        String secret = data.enrollments().register("rest-device", "device", EnrollmentRegistry.DEFAULT_VALIDITY);
        String csr = Files.readString(csrBase64("rest-device")).strip();

        Result wrong = curl("-sS", "--cacert", setup.caChain().toString(), "-H", "Content-Type: application/json",
                "-d", "{\"passwd\":\"nope\",\"certificate\":\"" + csr + "\"}", "-w", "\n%{http_code}",
                url("/sign/rest-device/pkcs10"));
        assertTrue(wrong.output().endsWith("\n401"), wrong.output());
        assertTrue(wrong.output().contains("\"message\":\"enrollment refused"), wrong.output());

        Result ok = curl("-sS", "--cacert", setup.caChain().toString(), "-H", "Content-Type: application/json",
                "-d", "{\"passwd\":\"" + secret + "\",\"certificate\":\"" + csr + "\"}", "-w", "\n%{http_code}",
                url("/sign/rest-device/pkcs10"));

        assertTrue(ok.output().endsWith("\n200"), ok.output());
        String der = EjbcaJson.field(ok.output(), "data");
        Path file = temp.resolve("rest-device.der");
        Files.write(file, Base64.getDecoder().decode(der));
        Path pem = temp.resolve("rest-device.pem");
        assertEquals(0, run(List.of("openssl", "x509", "-inform", "DER", "-in", file.toString(), "-out",
                pem.toString())).exitCode());
        Result verify = run(List.of("openssl", "verify", "-CAfile", setup.caChain().toString(), "-CRLfile",
                setup.crlFile().toString(), "-crl_check", pem.toString()));
        assertEquals(0, verify.exitCode(), verify.output());
    }

    @Test
    void weakKeyIsRefusedWithTheProfileReason() throws Exception {
        String secret = data.enrollments().register("weak-device", "device", EnrollmentRegistry.DEFAULT_VALIDITY);
        Path key = temp.resolve("weak.key");
        Path csrDer = temp.resolve("weak.csr.der");
        assertEquals(0, run(List.of("openssl", "req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", key.toString(),
                "-subj", "/CN=weak-device", "-outform", "DER", "-out", csrDer.toString())).exitCode());
        Path b64 = temp.resolve("weak.csr.b64");
        Files.writeString(b64, Base64.getEncoder().encodeToString(Files.readAllBytes(csrDer)));

        Result r = curl("-sS", "--cacert", setup.caChain().toString(), "--user", "weak-device:" + secret,
                "--data-binary", "@" + b64, "-w", "\n%{http_code}", url("/.well-known/est/simpleenroll"));

        assertTrue(r.output().endsWith("\n400"), r.output());
        assertTrue(r.output().contains("RSA key of 1024 bits is below the profile's minimum of 2048"), r.output());
    }

    private static Path csrBase64(String cn) throws Exception {
        Path key = temp.resolve(cn + ".key");
        Path der = temp.resolve(cn + ".csr.der");
        Result req = run(List.of("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-subj", "/CN=" + cn, "-outform", "DER", "-out", der.toString()));
        assertEquals(0, req.exitCode(), req.output());
        Path b64 = temp.resolve(cn + ".csr.b64");
        Files.writeString(b64, Base64.getEncoder().encodeToString(Files.readAllBytes(der)));
        return b64;
    }

    private static String url(String path) {
        return "https://localhost:" + server.port() + path;
    }

    record Result(int exitCode, String output) {
    }

    private static Result curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "--max-time", "30"));
        command.addAll(List.of(args));
        return run(command);
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(temp.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " did not finish");
        }
        return new Result(p.exitValue(), out);
    }
}

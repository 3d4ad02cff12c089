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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dojot's EJBCA-REST API as Midge serves it, driven by the real curl and checked by the real openssl. */
class EjbcaRestApiTest {

    @TempDir
    static Path temp;
    static SecureDefault setup;
    static DataDirectory data;
    static EnrollmentServer server;
    static String token;
    static final List<String> aclCalls = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        setup = DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
        data = DataDirectory.open(setup.dataDirectory());
        EndEntityAcl recording = new EndEntityAcl() {
            @Override
            public String grant(String username) {
                aclCalls.add("grant " + username);
                return "user " + username;
            }

            @Override
            public boolean revoke(String username) {
                aclCalls.add("revoke " + username);
                return true;
            }
        };
        server = EnrollmentServer.start(EnrollmentServer.Settings.onPort(0).withAcl(recording), data,
                setup.serverCertificate(), setup.serverKey());
        token = Files.readString(setup.dataDirectory().resolve(AdminCredential.FILE)).strip();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void adminTokenFileIsPrivateToItsOwner() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(setup.dataDirectory().resolve(AdminCredential.FILE))));
    }

    @Test
    void administrativeRoutesNeedTheTokenOrAJwtFromAuth() throws Exception {
        Result none = call("GET", "/user/admin:nobody", null, null);
        assertTrue(none.output().endsWith("\n401"), none.output());
        assertTrue(none.output().contains("\"status\":401"), none.output());

        Result wrongLogin = call("POST", "/auth", null, "{\"username\":\"admin\",\"passwd\":\"guess\"}");
        assertTrue(wrongLogin.output().endsWith("\n401"), wrongLogin.output());

        Result login = call("POST", "/auth", null, "{\"username\":\"acme\",\"passwd\":\"" + token + "\"}");
        assertTrue(login.output().endsWith("\n200"), login.output());
        String jwt = EjbcaJson.field(login.output(), "jwt");
        assertNotNull(jwt, login.output());
        String claims = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        assertTrue(claims.contains("\"service\":\"acme\""), claims);

        Result withJwt = call("GET", "/user/admin:nobody", jwt, null);
        assertTrue(withJwt.output().endsWith("\n404"), withJwt.output());
        Result forged = call("GET", "/user/admin:nobody", jwt.substring(0, jwt.length() - 2) + "xx", null);
        assertTrue(forged.output().endsWith("\n401"), forged.output());
    }

    @Test
    void caCertificateAndCrlAreBase64DerWithoutArmour() throws Exception {
        Result list = call("GET", "/ca", null, null);
        assertTrue(list.output().contains("\"CAs\":[{\"name\":"), list.output());
        // dojot's retriever saves this as the device's cafile: it must be the anchor, the root.
        Result ca = call("GET", "/ca/IOTmidCA", null, null);
        assertTrue(ca.output().endsWith("\n200"), ca.output());
        assertEquals(EjbcaJson.der(data.rootCaCertificate()), EjbcaJson.field(ca.output(), "certificate"));
        String issuingName = new EjbcaCaRoutes(data).caName();
        assertTrue(list.output().contains(issuingName), list.output());
        Result issuing = call("GET", "/ca/" + issuingName.replace(" ", "%20"), null, null);
        assertEquals(EjbcaJson.der(data.issuingCaCertificate()), EjbcaJson.field(issuing.output(), "certificate"));
        Result crl = call("GET", "/ca/IOTmidCA/crl", null, null);
        Path der = temp.resolve("ca.crl.der");
        Files.write(der, Base64.getDecoder().decode(EjbcaJson.field(crl.output(), "CRL")));
        Result parsed = run(List.of("openssl", "crl", "-inform", "DER", "-in", der.toString(), "-noout", "-issuer"));
        assertEquals(0, parsed.exitCode(), parsed.output());
        Result unknown = call("GET", "/ca/OtherCA", null, null);
        assertTrue(unknown.output().endsWith("\n404"), unknown.output());
    }

    @Test
    void signIssuesTheEndEntitysSubjectOnceUntilItIsResetByPostUser() throws Exception {
        Result created = call("POST", "/user", token,
                "{\"username\":\"admin:dev7\",\"password\":\"dojot\",\"subjectDN\":\"CN=admin:dev7\"}");
        assertTrue(created.output().endsWith("\n200"), created.output());
        assertTrue(aclCalls.contains("grant admin:dev7"), aclCalls.toString());
        Result user = call("GET", "/user/admin:dev7", token, null);
        assertTrue(user.output().contains("\"status\":10"), user.output());

        // dojot's retriever asks with CN=TENANT-DEVICE for end entity TENANT:DEVICE.
        String csr = csrBase64("admin-dev7");
        Result signed = call("POST", "/sign/admin:dev7/pkcs10", null,
                "{\"passwd\":\"dojot\",\"certificate\":\"" + csr + "\"}");
        assertTrue(signed.output().endsWith("\n200"), signed.output());
        assertTrue(signed.output().contains("\"responseType\":\"CERTIFICATE\""), signed.output());
        Path pem = pem(EjbcaJson.field(signed.output(), "data"), "dev7");
        Result subject = run(List.of("openssl", "x509", "-in", pem.toString(), "-noout", "-subject"));
        assertTrue(subject.output().contains("CN = admin:dev7") || subject.output().contains("CN=admin:dev7"),
                subject.output());
        assertTrue(call("GET", "/user/admin:dev7", token, null).output().contains("\"status\":40"));

        Result again = call("POST", "/sign/admin:dev7/pkcs10", null,
                "{\"passwd\":\"dojot\",\"certificate\":\"" + csr + "\"}");
        assertTrue(again.output().endsWith("\n401"), again.output());
        call("POST", "/user", token, "{\"username\":\"admin:dev7\",\"password\":\"dojot\"}");
        Result afterReset = call("POST", "/sign/admin:dev7/pkcs10", null,
                "{\"passwd\":\"dojot\",\"certificate\":\"" + csr + "\"}");
        assertTrue(afterReset.output().endsWith("\n200"), afterReset.output());

        Result found = call("GET", "/user/admin:dev7/find", token, null);
        assertEquals(2, found.output().split("\"serialNumber\"").length - 1, found.output());
    }

    @Test
    void revokingBySerialWritesTheCrlAndTheStatusSaysWhy() throws Exception {
        call("POST", "/user", token, "{\"username\":\"admin:dev8\",\"password\":\"pw8\"}");
        Result signed = call("POST", "/sign/admin:dev8/pkcs10", null,
                "{\"passwd\":\"pw8\",\"certificate\":\"" + csrBase64("admin-dev8") + "\"}");
        Path pem = pem(EjbcaJson.field(signed.output(), "data"), "dev8");
        String serial = run(List.of("openssl", "x509", "-in", pem.toString(), "-noout", "-serial")).output()
                .strip().replace("serial=", "");

        Result status = call("GET", "/ca/IOTmidCA/certificate/" + serial + "/status", token, null);
        assertTrue(status.output().contains("\"reason\":\"NOT_REVOKED\""), status.output());
        Result badReason = call("DELETE", "/ca/IOTmidCA/certificate/" + serial + "?reason=BORED", token, null);
        assertTrue(badReason.output().endsWith("\n400"), badReason.output());
        Result revoke = call("DELETE", "/ca/IOTmidCA/certificate/" + serial + "?reason=KEY_COMPROMISE", token, null);
        assertTrue(revoke.output().endsWith("\n200"), revoke.output());

        status = call("GET", "/ca/IOTmidCA/certificate/" + serial + "/status", token, null);
        assertTrue(status.output().contains("\"reason\":\"KEY_COMPROMISE\""), status.output());
        Result verify = run(List.of("openssl", "verify", "-CAfile", setup.caChain().toString(), "-CRLfile",
                data.crlFile().toString(), "-crl_check", pem.toString()));
        assertFalse(verify.exitCode() == 0, verify.output());
        assertTrue(verify.output().contains("revoked"), verify.output());
        Result crl = call("GET", "/ca/IOTmidCA/crl", null, null);
        Path crlDer = temp.resolve("dev8.crl.der");
        Files.write(crlDer, Base64.getDecoder().decode(EjbcaJson.field(crl.output(), "CRL")));
        Result listed = run(List.of("openssl", "crl", "-inform", "DER", "-in", crlDer.toString(), "-noout", "-text"));
        assertTrue(listed.output().contains(serial), listed.output());

        Result delete = call("DELETE", "/user/admin:dev8", token, null);
        assertTrue(delete.output().endsWith("\n200"), delete.output());
        assertTrue(aclCalls.contains("revoke admin:dev8"), aclCalls.toString());
        assertTrue(call("GET", "/user/admin:dev8", token, null).output().endsWith("\n404"));
    }

    private static Path pem(String base64Der, String name) throws Exception {
        Path der = temp.resolve(name + ".der");
        Files.write(der, Base64.getDecoder().decode(base64Der));
        Path pem = temp.resolve(name + ".crt");
        Result convert = run(List.of("openssl", "x509", "-inform", "DER", "-in", der.toString(), "-out", pem.toString()));
        assertEquals(0, convert.exitCode(), convert.output());
        return pem;
    }

    private static String csrBase64(String cn) throws Exception {
        Path key = temp.resolve(cn + ".key");
        Path der = temp.resolve(cn + ".csr.der");
        Result req = run(List.of("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-subj", "/CN=" + cn, "-outform", "DER", "-out", der.toString()));
        assertEquals(0, req.exitCode(), req.output());
        return Base64.getEncoder().encodeToString(Files.readAllBytes(der));
    }

    record Result(int exitCode, String output) {
    }

    private static Result call(String method, String path, String bearer, String json) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "--max-time", "30", "-sS", "--cacert",
                setup.caChain().toString(), "-X", method, "-w", "\n%{http_code}"));
        if (bearer != null) {
            command.addAll(List.of("-H", "Authorization: Bearer " + bearer));
        }
        if (json != null) {
            command.addAll(List.of("-H", "Content-Type: application/json", "-d", json));
        }
        command.add("https://localhost:" + server.port() + path);
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

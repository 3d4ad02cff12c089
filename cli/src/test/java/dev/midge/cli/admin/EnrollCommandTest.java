package dev.midge.cli.admin;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import dev.midge.pki.enrollment.EnrollmentServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnrollCommandTest {

    @TempDir
    static Path temp;
    static SecureDefault setup;
    static EnrollmentServer server;

    @BeforeAll
    static void startEnrollmentServer() throws Exception {
        setup = DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
        server = EnrollmentServer.start(0, DataDirectory.open(setup.dataDirectory()), setup.serverCertificate(),
                setup.serverKey());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void deviceEnrolsWithItsOneTimeSecretOnceAndGetsAVerifiableCertificate() throws Exception {
        String data = setup.dataDirectory().toString();
        // Requested SANs reach a device certificate only where the profile allows their type.
        Path profile = setup.dataDirectory().resolve("profiles/device.profile");
        Files.writeString(profile, Files.readString(profile).replace("request_sans = none", "request_sans = dns"));
        CliRun.Result add = CliRun.broker("device", "add", "field-9", "--data", data, "--enroll");
        assertEquals(0, add.exitCode(), add.toString());
        String secret = add.out().lines().filter(l -> l.matches("[0-9a-f]{32}")).findFirst().orElseThrow();
        Path out = temp.resolve("certs");
        String url = "https://localhost:" + server.port();

        CliRun.Result enroll = CliRun.broker("enroll", "--url", url, "--id", "field-9", "--secret", secret,
                "--out", out.toString(), "--cafile", setup.caChain().toString(), "--dns", "field-9.local");

        assertEquals(0, enroll.exitCode(), enroll.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("field-9.key"))));
        CliRun.Result verify = CliRun.openssl(temp, "verify", "-crl_check", "-CAfile", out.resolve("ca.crt").toString(),
                "-CRLfile", setup.crlFile().toString(), out.resolve("field-9.crt").toString());
        assertEquals(0, verify.exitCode(), verify.toString());
        String text = CliRun.openssl(temp, "x509", "-in", out.resolve("field-9.crt").toString(), "-noout", "-ext",
                "subjectAltName").out();
        assertTrue(text.contains("DNS:field-9.local"), text);
        assertTrue(Files.readString(setup.aclFile()).contains("user field-9\n"));

        CliRun.Result again = CliRun.broker("enroll", "--url", url, "--id", "field-9", "--secret", secret,
                "--out", temp.resolve("again").toString(), "--insecure-skip-verify");
        assertEquals(1, again.exitCode(), again.toString());
        // (the in-process server's log line lands on the same stderr; a separate device would see only the error)
        assertTrue(again.err().contains("error: " + url + " answered 401: enrollment refused"), again.err());
    }

    @Test
    void serverNotTrustedWithoutCafileIsAClearError() {
        CliRun.Result r = CliRun.broker("enroll", "--url", "https://localhost:" + server.port(), "--id", "x",
                "--secret", "s", "--out", temp.resolve("x").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("TLS failed") && r.err().contains("--cafile"), r.err());
    }
}

package dev.midge.cli.admin;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import dev.midge.pki.store.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceCommandsTest {

    @TempDir
    static Path temp;
    static SecureDefault setup;
    static String data;

    @BeforeAll
    static void createDataDirectory() {
        setup = DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
        data = setup.dataDirectory().toString();
    }

    @Test
    void deviceAddWritesKeyCertificateAndChainThatOpensslVerifies() throws Exception {
        Path out = temp.resolve("out-sensor-1");

        CliRun.Result add = CliRun.broker("device", "add", "sensor-1", "--data", data, "--out", out.toString());

        assertEquals(0, add.exitCode(), add.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("sensor-1.key"))));
        CliRun.Result verify = CliRun.openssl(temp, "verify", "-crl_check_all", "-CAfile", out.resolve("ca.crt").toString(),
                "-CRLfile", setup.crlFile().toString(), out.resolve("sensor-1.crt").toString());
        assertEquals(0, verify.exitCode(), verify.toString());
        String subject = CliRun.openssl(temp, "x509", "-in", out.resolve("sensor-1.crt").toString(), "-noout",
                "-subject").out();
        assertEquals("subject=CN = sensor-1", subject.strip());
        CliRun.Result keyMatches = CliRun.openssl(temp, "x509", "-in", out.resolve("sensor-1.crt").toString(),
                "-noout", "-pubkey");
        CliRun.Result keyPub = CliRun.openssl(temp, "pkey", "-in", out.resolve("sensor-1.key").toString(), "-pubout");
        assertEquals(keyPub.out(), keyMatches.out());
        assertTrue(Files.readString(setup.aclFile()).contains(
                "user sensor-1\ntopic write /admin/sensor-1/attrs\ntopic read /admin/sensor-1/config\n"));
    }

    @Test
    void deviceAddWithTenantAndExtraAclLinesGrantsThemOnceEach() throws Exception {
        Path out = temp.resolve("out-valve");
        String[] args = {"device", "add", "valve-7", "--data", data, "--out", out.toString(), "--tenant", "acme",
                "--acl", "read /#", "--acl", "deny /acme/secret/#"};
        assertEquals(0, CliRun.broker(args).exitCode());
        CliRun.Result again = CliRun.broker("device", "add", "valve-7", "--data", data, "--out", out.toString(),
                "--tenant", "acme", "--acl", "readwrite /acme/valve-7/+", "--force");
        assertEquals(0, again.exitCode(), again.toString());

        String acl = Files.readString(setup.aclFile());
        assertTrue(acl.contains("user valve-7\ntopic write /acme/valve-7/attrs\ntopic read /acme/valve-7/config\n"
                + "topic read /#\ntopic deny /acme/secret/#\ntopic readwrite /acme/valve-7/+\n"), acl);
        assertEquals(1, acl.split("topic write /acme/valve-7/attrs", -1).length - 1, acl);
    }

    @Test
    void deviceAddSignsACsrMadeByOpensslReqAndWritesNoKey() throws Exception {
        Path csr = temp.resolve("cam.csr");
        CliRun.Result req = CliRun.openssl(temp, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", temp.resolve("cam.key").toString(), "-out", csr.toString(), "-subj", "/CN=cam-2");
        assertEquals(0, req.exitCode(), req.toString());
        Path out = temp.resolve("out-cam");

        CliRun.Result add = CliRun.broker("device", "add", "cam-2", "--data", data, "--out", out.toString(),
                "--csr", csr.toString(), "--days", "30");

        assertEquals(0, add.exitCode(), add.toString());
        assertFalse(Files.exists(out.resolve("cam-2.key")));
        X509Certificate cert = Pem.readCertificates(out.resolve("cam-2.crt")).get(0);
        long days = (cert.getNotAfter().getTime() - System.currentTimeMillis()) / 86_400_000L;
        assertEquals(29, days);
        assertEquals(0, CliRun.openssl(temp, "verify", "-CAfile", out.resolve("ca.crt").toString(),
                out.resolve("cam-2.crt").toString()).exitCode());
    }

    @Test
    void csrWithA1024BitRsaKeyIsRefusedWithTheReasonAndNoStackTrace() throws Exception {
        Path csr = temp.resolve("weak.csr");
        CliRun.openssl(temp, "req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", temp.resolve("weak.key").toString(),
                "-out", csr.toString(), "-subj", "/CN=weak");

        CliRun.Result add = CliRun.broker("device", "add", "weak", "--data", data, "--out", temp.resolve("o").toString(),
                "--csr", csr.toString());

        assertEquals(1, add.exitCode(), add.toString());
        assertEquals("error: RSA key of 1024 bits is below the profile's minimum of 2048\n", add.err());
        assertFalse(Files.readString(setup.aclFile()).contains("user weak"));
    }

    @Test
    void revokedDeviceIsReportedRevokedByOpensslAgainstTheNewCrl() throws Exception {
        Path out = temp.resolve("out-doomed");
        assertEquals(0, CliRun.broker("device", "add", "doomed", "--data", data, "--out", out.toString()).exitCode());

        CliRun.Result revoke = CliRun.broker("device", "revoke", "doomed", "--data", data, "--reason", "keyCompromise");

        assertEquals(0, revoke.exitCode(), revoke.toString());
        CliRun.Result verify = CliRun.openssl(temp, "verify", "-crl_check", "-CAfile", out.resolve("ca.crt").toString(),
                "-CRLfile", setup.crlFile().toString(), out.resolve("doomed.crt").toString());
        assertTrue(verify.out().contains("certificate revoked"), verify.toString());
        CliRun.Result again = CliRun.broker("device", "revoke", "doomed", "--data", data);
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().startsWith("doomed was already revoked: "), again.toString());
        CliRun.Result never = CliRun.broker("device", "revoke", "never-added", "--data", data);
        assertEquals(1, never.exitCode());
        assertEquals("error: never-added has no valid certificate to revoke\n", never.err());
    }

    @Test
    void deviceRemoveRevokesAndDeletesOnlyItsAclBlock() throws Exception {
        Path out = temp.resolve("out-gone");
        assertEquals(0, CliRun.broker("device", "add", "gone", "--data", data, "--out", out.toString()).exitCode());
        assertEquals(0, CliRun.broker("device", "add", "stays", "--data", data, "--out", out.toString()).exitCode());

        CliRun.Result remove = CliRun.broker("device", "remove", "gone", "--data", data);

        assertEquals(0, remove.exitCode(), remove.toString());
        String acl = Files.readString(setup.aclFile());
        assertFalse(acl.contains("user gone\n"), acl);
        assertFalse(acl.contains("/gone/"), acl);
        assertTrue(acl.contains("user stays\ntopic write /admin/stays/attrs\n"), acl);
        CliRun.Result verify = CliRun.openssl(temp, "verify", "-crl_check", "-CAfile", out.resolve("ca.crt").toString(),
                "-CRLfile", setup.crlFile().toString(), out.resolve("gone.crt").toString());
        assertTrue(verify.out().contains("certificate revoked"), verify.toString());
        assertEquals(1, CliRun.broker("device", "remove", "gone", "--data", data).exitCode());
    }

    @Test
    void deviceListShowsValidAndRevokedCountsAndPendingEnrollments() throws Exception {
        assertEquals(0, CliRun.broker("device", "add", "listed", "--data", data, "--out",
                temp.resolve("out-listed").toString()).exitCode());
        CliRun.Result enroll = CliRun.broker("device", "add", "later", "--data", data, "--enroll");
        assertEquals(0, enroll.exitCode(), enroll.toString());
        assertTrue(enroll.out().lines().anyMatch(l -> l.matches("[0-9a-f]{32}")), enroll.out());

        CliRun.Result list = CliRun.broker("device", "list", "--data", data);

        assertEquals(0, list.exitCode(), list.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("listed\\s+1\\s+0\\s+\\S+\\s+-")), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("later\\s+0\\s+0\\s+-\\s+pending until .*")), list.out());
    }

    @Test
    void generatedRsaKeyGetsKeyEnciphermentAndAWeakOneIsRefused() throws Exception {
        Path out = temp.resolve("out-rsa");
        CliRun.Result add = CliRun.broker("device", "add", "rsa-dev", "--data", data, "--out", out.toString(),
                "--key-type", "rsa");
        assertEquals(0, add.exitCode(), add.toString());
        String text = CliRun.openssl(temp, "x509", "-in", out.resolve("rsa-dev.crt").toString(), "-noout", "-text").out();
        assertTrue(text.contains("Public-Key: (2048 bit)"), text);
        assertTrue(text.contains("Digital Signature, Key Encipherment"), text);

        CliRun.Result weak = CliRun.broker("device", "add", "rsa-weak", "--data", data, "--out", out.toString(),
                "--key-type", "rsa", "--key-size", "1024");
        assertEquals(1, weak.exitCode(), weak.toString());
        assertEquals("error: RSA key of 1024 bits is below the profile's minimum of 2048\n", weak.err());
        assertFalse(Files.exists(out.resolve("rsa-weak.key")));
    }

    @Test
    void confFileCanReplaceDataOption() throws Exception {
        Path out = temp.resolve("out-conf");
        CliRun.Result add = CliRun.broker("device", "add", "via-conf", "-c", setup.conf().toString(), "--out",
                out.toString());
        assertEquals(0, add.exitCode(), add.toString());
        assertTrue(Files.readString(setup.aclFile()).contains("user via-conf\n"));
    }

    @Test
    void userMistakesGiveOneErrorLineAndExitCode1() {
        CliRun.Result noDir = CliRun.broker("device", "list", "--data", temp.resolve("nowhere").toString());
        assertEquals(1, noDir.exitCode());
        assertTrue(noDir.err().startsWith("error: ") && noDir.err().contains("no such data directory"), noDir.err());

        CliRun.Result badAcl = CliRun.broker("device", "add", "x", "--data", data, "--out", "o", "--acl", "publish /a");
        assertEquals(1, badAcl.exitCode());
        assertEquals("error: --acl 'publish /a': expected 'read|write|readwrite|deny FILTER'\n", badAcl.err());

        CliRun.Result badId = CliRun.broker("device", "add", "a/b", "--data", data, "--out", "o");
        assertEquals(1, badId.exitCode());
        assertTrue(badId.err().startsWith("error: 'a/b' is not a valid name"), badId.err());

        CliRun.Result badReason = CliRun.broker("device", "revoke", "x", "--data", data, "--reason", "bored");
        assertEquals(1, badReason.exitCode());
        assertTrue(badReason.err().startsWith("error: unknown revocation reason 'bored'"), badReason.err());

        CliRun.Result noOut = CliRun.broker("device", "add", "x", "--data", data);
        assertEquals(1, noOut.exitCode());
        assertTrue(noOut.err().contains("--out OUTDIR is required"), noOut.err());
    }
}

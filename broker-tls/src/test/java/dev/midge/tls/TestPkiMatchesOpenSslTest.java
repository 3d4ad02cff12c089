package dev.midge.tls;

import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test PKI's files mean to OpenSSL what this module's tests assume they mean: otherwise a
 * passing TLS test could rest on a fixture only Java understands.
 */
class TestPkiMatchesOpenSslTest {

    @TempDir
    static Path dir;
    static TestPki pki;

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir);
    }

    @Test
    void deviceVerifiesAgainstTheCaAndCrl() {
        pki.writeCrl();
        OpenSsl.Result result = OpenSsl.verify(pki.caFile(), pki.crlFile(), pki.device("ok").certFile());
        assertTrue(result.succeeded(), result.output());
    }

    @Test
    void revokedDeviceFailsOpenSslsCrlCheck() {
        IssuedCertificate device = pki.device("revoked-for-openssl");
        pki.revoke(device);
        pki.writeCrl();
        OpenSsl.Result result = OpenSsl.verify(pki.caFile(), pki.crlFile(), device.certFile());
        assertFalse(result.succeeded());
        assertTrue(result.output().contains("certificate revoked"), result.output());
    }

    @Test
    void expiredAndNotYetValidAndForeignCertificatesFailVerification() {
        assertTrue(OpenSsl.verify(pki.caFile(), null, pki.expiredDevice("x1").certFile()).output().contains("expired"));
        assertTrue(OpenSsl.verify(pki.caFile(), null, pki.notYetValidDevice("x2").certFile()).output().contains("not yet valid"));
        assertFalse(OpenSsl.verify(pki.caFile(), null, pki.foreignDevice("x3").certFile()).succeeded());
    }

    @Test
    void keysAreInTheEncodingsAskedFor() throws Exception {
        assertTrue(Files.readString(pki.server().keyFile()).contains("BEGIN PRIVATE KEY"));
        assertTrue(Files.readString(pki.ecServer().keyFile()).contains("BEGIN EC PRIVATE KEY"));
        assertTrue(Files.readString(pki.device("k1", dev.midge.testing.KeyEncoding.PKCS1).keyFile()).contains("BEGIN RSA PRIVATE KEY"));
        for (Path key : new Path[]{pki.server().keyFile(), pki.ecServer().keyFile()}) {
            OpenSsl.Result check = OpenSsl.run("pkey", "-in", key.toString(), "-noout");
            assertTrue(check.succeeded(), check.output());
        }
    }

    @Test
    void serverCertificateIsValidForLocalhostAnd127001() {
        OpenSsl.Result byName = OpenSsl.run("verify", "-CAfile", pki.caFile().toString(), "-verify_hostname", "localhost",
                pki.server().certFile().toString());
        OpenSsl.Result byIp = OpenSsl.run("verify", "-CAfile", pki.caFile().toString(), "-verify_ip", "127.0.0.1",
                pki.server().certFile().toString());
        assertTrue(byName.succeeded() && byIp.succeeded(), byName.output() + byIp.output());
    }
}

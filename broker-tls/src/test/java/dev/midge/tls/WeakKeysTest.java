package dev.midge.tls;

import dev.midge.testing.OpenSsl;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server and CA keys below OpenSSL's security level stop start-up, as they stop mosquitto's,
 * instead of a broker that starts and then fails every default client. Weak material is made by
 * the real openssl.
 */
class WeakKeysTest {

    @TempDir
    static Path dir;
    static TestPki pki;

    @RegisterExtension
    final TlsListeners listeners = new TlsListeners();

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir);
    }

    /** A self-signed certificate and key made by openssl; returns the certificate's path. */
    static Path selfSigned(Path dir, String name, String keyAlgorithm) {
        return selfSigned(dir, name, keyAlgorithm, "/CN=localhost");
    }

    static Path selfSigned(Path dir, String name, String keyAlgorithm, String subject) {
        Path crt = dir.resolve(name + ".crt");
        OpenSsl.Result made = OpenSsl.run("req", "-x509", "-newkey", keyAlgorithm, "-nodes", "-sha256",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", crt.toString(), "-subj", subject,
                "-days", "2");
        assertEquals(0, made.exitCode(), made.output());
        return crt;
    }

    @Test
    void rsa1024ServerKeyStopsStartUpNamingFileSizeAndFix() {
        Path crt = selfSigned(dir, "rsa1024", "rsa:1024");

        TlsFileException e = assertThrows(TlsFileException.class, () -> listeners.start(Options.mutualTls(pki)
                .certfile(crt).keyfile(dir.resolve("rsa1024.key"))));

        assertEquals(crt + ": the server certificate has an RSA key of 1024 bits, below OpenSSL security level 2"
                + " (which needs RSA of 2048 bits or EC of 224; mosquitto says \"key too small\"): issue it a stronger"
                + " key, or for a lab lower the level with ciphers DEFAULT:@SECLEVEL=1", e.getMessage());
    }

    @Test
    void securityLevelOneAllowsRsa1024AsOpenSslDoes() throws Exception {
        Path crt = selfSigned(dir, "rsa1024-lab", "rsa:1024");

        int port = listeners.start(Options.mutualTls(pki).certfile(crt).keyfile(dir.resolve("rsa1024-lab.key"))
                .ciphers("DEFAULT:@SECLEVEL=1")).port();

        JsseClient.Outcome outcome = JsseClient.connect(port, PemFiles.certificates(crt).get(0), pki.device("dev1"));
        assertTrue(outcome.accepted(), () -> String.valueOf(outcome.failure()));
    }

    @Test
    void sha1SignedServerCertificateStopsStartUp() {
        Path caCrt = selfSigned(dir, "sha1-ca", "rsa:2048", "/CN=Lab CA");
        Path caKey = dir.resolve("sha1-ca.key");
        Path key = dir.resolve("sha1-server.key");
        Path csr = dir.resolve("sha1-server.csr");
        Path crt = dir.resolve("sha1-server.crt");
        assertEquals(0, OpenSsl.run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
                csr.toString(), "-subj", "/CN=localhost").exitCode());
        OpenSsl.Result signed = OpenSsl.run("x509", "-req", "-sha1", "-in", csr.toString(), "-CA", caCrt.toString(),
                "-CAkey", caKey.toString(), "-set_serial", "7", "-out", crt.toString(), "-days", "2");
        assertEquals(0, signed.exitCode(), signed.output());

        TlsFileException e = assertThrows(TlsFileException.class, () -> listeners.start(Options.mutualTls(pki)
                .certfile(crt).keyfile(key)));

        assertEquals(crt + ": the server certificate is signed with SHA1withRSA, which OpenSSL security level 2"
                + " refuses (mosquitto says \"md too weak\"): have it re-signed with SHA-256, or for a lab use"
                + " ciphers DEFAULT:@SECLEVEL=0", e.getMessage());
    }

    @Test
    void weakCaInCafileStopsStartUpNamingCafile() {
        Path weakCa = selfSigned(dir, "weak-ca", "rsa:1024");

        TlsFileException e = assertThrows(TlsFileException.class, () -> listeners.start(Options.mutualTls(pki)
                .cafile(weakCa)));

        assertTrue(e.getMessage().startsWith(weakCa + ": the CA certificate CN=localhost has an RSA key of 1024 bits,"
                + " below OpenSSL security level 2"), e.getMessage());
    }
}

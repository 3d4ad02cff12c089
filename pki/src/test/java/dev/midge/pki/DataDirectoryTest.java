package dev.midge.pki;

import dev.midge.pki.store.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataDirectoryTest {

    @TempDir
    static Path temp;
    static SecureDefault first;

    @BeforeAll
    static void createOnce() {
        first = DataDirectory.openOrInitialize(temp.resolve("midge-data"), 8883);
    }

    @Test
    void firstRunCreatesEverythingTheBrokerNeeds() throws Exception {
        assertTrue(first.created());
        for (Path p : List.of(first.conf(), first.caChain(), first.serverCertificate(), first.serverKey(),
                first.aclFile(), first.crlFile())) {
            assertTrue(Files.isRegularFile(p), p + " exists");
        }
        String conf = Files.readString(first.conf());
        assertTrue(conf.contains("listener 8883\n"), conf);
        assertTrue(conf.contains("require_certificate true\n"), conf);
        assertTrue(conf.contains("use_identity_as_username true\n"), conf);
        assertTrue(conf.contains("cafile " + first.caChain() + "\n"), conf);
        assertTrue(conf.contains("crlfile " + first.crlFile() + "\n"), conf);
        assertTrue(conf.contains("acl_file " + first.aclFile() + "\n"), conf);
        assertTrue(Files.readString(first.serverKey()).startsWith("-----BEGIN PRIVATE KEY-----"));
    }

    @Test
    void keyFilesAndPassphraseAreReadableByTheOwnerOnly() throws Exception {
        Path dir = first.dataDirectory();
        for (Path p : List.of(first.serverKey(), dir.resolve("private/root-ca.p12"),
                dir.resolve("private/issuing-ca.p12"), dir.resolve("private/ca.passphrase"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("private"))));
    }

    @Test
    void serverCertificatePassesOpensslVerifyWithCrlChecks() throws Exception {
        OpenSslCli.Result result = OpenSslCli.verify(temp, first.caChain(), first.crlFile(), first.serverCertificate());
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.output().contains(": OK"), result.toString());
        OpenSslCli.Result purpose = OpenSslCli.run(temp, "verify", "-purpose", "sslserver", "-CAfile",
                first.caChain().toString(), first.serverCertificate().toString());
        assertEquals(0, purpose.exitCode(), purpose.toString());
    }

    @Test
    void caCertificatesCarryCriticalBasicConstraintsAndCertSigningUsage() throws Exception {
        for (Path ca : List.of(first.dataDirectory().resolve("root-ca.crt"), first.dataDirectory().resolve("issuing-ca.crt"))) {
            String text = OpenSslCli.run(temp, "x509", "-in", ca.toString(), "-noout", "-text").output();
            assertTrue(text.contains("X509v3 Basic Constraints: critical\n                CA:TRUE"), text);
            assertTrue(text.contains("Certificate Sign, CRL Sign"), text);
            assertTrue(text.contains("X509v3 Subject Key Identifier"), text);
            assertTrue(text.contains("X509v3 Authority Key Identifier"), text);
        }
        String server = OpenSslCli.run(temp, "x509", "-in", first.serverCertificate().toString(), "-noout", "-text").output();
        assertTrue(server.contains("CA:FALSE"), server);
        assertTrue(server.contains("TLS Web Server Authentication"), server);
        assertTrue(server.contains("DNS:localhost"), server);
        assertTrue(server.contains("IP Address:127.0.0.1"), server);
    }

    @Test
    void chainFileHoldsIssuingCaThenRoot() {
        List<X509Certificate> chain = Pem.readCertificates(first.caChain());
        assertEquals(2, chain.size());
        assertTrue(chain.get(0).getSubjectX500Principal().getName().contains("Issuing CA"));
        assertEquals(chain.get(1).getSubjectX500Principal(), chain.get(1).getIssuerX500Principal());
    }

    @Test
    void laterRunsReuseTheDirectoryAndFollowTheNewPort() throws Exception {
        String caBefore = Files.readString(first.caChain());
        SecureDefault again = DataDirectory.openOrInitialize(first.dataDirectory(), 18883);
        assertFalse(again.created());
        assertEquals(caBefore, Files.readString(again.caChain()));
        assertTrue(Files.readString(again.conf()).contains("listener 18883\n"));
        DataDirectory.openOrInitialize(first.dataDirectory(), 8883);
    }

    @Test
    void aNonEmptyForeignDirectoryIsRefusedWithTheReason() throws Exception {
        Path foreign = temp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        PkiException e = assertThrows(PkiException.class, () -> DataDirectory.openOrInitialize(foreign, 8883));
        assertTrue(e.getMessage().contains("not a complete Midge data directory"), e.getMessage());
        assertTrue(Files.exists(foreign.resolve("notes.txt")));
    }

    @Test
    void wrongPassphraseIsAClearErrorNotAStackTrace() throws Exception {
        Path copy = temp.resolve("copy");
        SecureDefault other = DataDirectory.openOrInitialize(copy, 8883);
        Files.writeString(other.dataDirectory().resolve("private/ca.passphrase"), "not-the-passphrase\n");
        PkiException e = assertThrows(PkiException.class, () -> DataDirectory.open(copy).authority());
        assertTrue(e.getMessage().endsWith("wrong CA passphrase (from MIDGE_CA_PASSPHRASE or the passphrase file)"),
                e.getMessage());
    }

    @Test
    void serverCertificateCloseToExpiryIsReissuedWithANewKey() throws Exception {
        Path dir = temp.resolve("renewing");
        SecureDefault setup = DataDirectory.openOrInitialize(dir, 8883);
        String oldKey = Files.readString(setup.serverKey());
        DataDirectory data = DataDirectory.open(dir);

        assertFalse(DataDirectoryInitializer.renewServerCertificateIfExpiring(data, java.time.Duration.ofDays(30), null));
        assertTrue(DataDirectoryInitializer.renewServerCertificateIfExpiring(data, java.time.Duration.ofDays(1000), null));

        assertFalse(oldKey.equals(Files.readString(setup.serverKey())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(setup.serverKey())));
        OpenSslCli.Result verify = OpenSslCli.verify(temp, setup.caChain(), setup.crlFile(), setup.serverCertificate());
        assertEquals(0, verify.exitCode(), verify.toString());
        OpenSslCli.Result pub = OpenSslCli.run(temp, "x509", "-in", setup.serverCertificate().toString(), "-noout", "-pubkey");
        OpenSslCli.Result keyPub = OpenSslCli.run(temp, "pkey", "-in", setup.serverKey().toString(), "-pubout");
        assertEquals(keyPub.output(), pub.output());
    }
}

package dev.midge.tls;

import dev.midge.testing.LogCapture;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.KeyEncoding;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mosquitto's TLS options, each seen through a real handshake or a start-up failure. */
class TlsOptionsTest {

    @TempDir
    static Path dir;
    static TestPki pki;

    private final LogCapture log = LogCapture.of("dev.midge");
    @RegisterExtension
    final TlsListeners listeners = new TlsListeners();
    private TlsListenerSecurity security;

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir);
    }

    @AfterEach
    void stop() {
        log.close();
    }

    private int start(Options options) throws Exception {
        TlsListeners.Started started = listeners.start(options);
        security = started.security();
        return started.port();
    }

    @ParameterizedTest
    @EnumSource(KeyEncoding.class)
    void serverKeyfileIsReadInEveryPemEncoding(KeyEncoding encoding) throws Exception {
        IssuedCertificate serverCertificate = pki.server("server-" + encoding, encoding);
        int port = start(Options.mutualTls(pki).server(serverCertificate));
        JsseClient.Outcome outcome = JsseClient.connect(port, pki.caCertificate(), pki.device("dev1"));
        assertTrue(outcome.accepted(), () -> String.valueOf(outcome.failure()));
        assertEquals(serverCertificate.serial(), outcome.serverCertificate().getSerialNumber());
    }

    @Test
    void ecServerCertificateWorksWithOpenSsl() throws Exception {
        int port = start(Options.mutualTls(pki).server(pki.ecServer()));
        IssuedCertificate device = pki.device("dev-ec", KeyEncoding.SEC1);
        OpenSsl.Result result = OpenSsl.sClient(port, "-ign_eof", "-CAfile", pki.caFile().toString(),
                "-verify_return_error", "-cert", device.certFile().toString(), "-key", device.keyFile().toString());
        assertTrue(result.output().contains("OK user=dev-ec"), result.output());
    }

    @Test
    void rsaDeviceWithPkcs1KeyIsAccepted() throws Exception {
        int port = start(Options.mutualTls(pki));
        IssuedCertificate device = pki.device("dev-rsa", KeyEncoding.PKCS1);
        assertTrue(Files.readString(device.keyFile()).contains("BEGIN RSA PRIVATE KEY"));
        OpenSsl.Result result = OpenSsl.sClient(port, "-ign_eof", "-CAfile", pki.caFile().toString(),
                "-cert", device.certFile().toString(), "-key", device.keyFile().toString());
        assertTrue(result.output().contains("OK user=dev-rsa"), result.output());
    }

    @Test
    void capathDirectoryTrustsEveryCertificateFileInIt() throws Exception {
        Path capath = Files.createDirectories(dir.resolve("capath"));
        Files.copy(pki.caFile(), capath.resolve("root.pem"));
        Files.copy(pki.foreignCaFile(), capath.resolve("5f3a9c21.0"));    // c_rehash style name
        Files.writeString(capath.resolve("README"), "not a certificate");   // ignored
        int port = start(Options.mutualTls(pki).cafile(null).capath(capath));
        assertTrue(JsseClient.connect(port, pki.caCertificate(), pki.device("dev1")).accepted());
        assertTrue(JsseClient.connect(port, pki.caCertificate(), pki.foreignDevice("partner")).accepted());
    }

    @Test
    void tlsVersion13RefusesTls12Clients() throws Exception {
        int port = start(Options.mutualTls(pki).tlsVersion("tlsv1.3"));
        assertFalse(JsseClient.connect(port, pki.caCertificate(), pki.device("dev1"), "TLSv1.2").accepted());
        log.awaitOneLine("refused", "protocol version");
        assertTrue(JsseClient.connect(port, pki.caCertificate(), pki.device("dev1"), "TLSv1.3").accepted());
    }

    @Test
    void tlsVersionsBelow12AreRefusedAtStartUp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> start(Options.mutualTls(pki).tlsVersion("tlsv1.1")));
        assertTrue(e.getMessage().contains("tls_version tlsv1.1"), e.getMessage());
    }

    @Test
    void opensslCipherNamesAreMappedToJsseSuites() throws Exception {
        int port = start(Options.mutualTls(pki).ciphers("ECDHE-RSA-AES128-GCM-SHA256:NOT-A-CIPHER"));
        IssuedCertificate device = pki.device("dev1");
        String[] client = {"-ign_eof", "-tls1_2", "-CAfile", pki.caFile().toString(),
                "-cert", device.certFile().toString(), "-key", device.keyFile().toString()};

        OpenSsl.Result agreed = OpenSsl.sClient(port, concat(client, "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"));
        assertTrue(agreed.output().contains("OK user=dev1"), agreed.output());
        assertTrue(agreed.output().contains("ECDHE-RSA-AES128-GCM-SHA256"), agreed.output());

        OpenSsl.Result other = OpenSsl.sClient(port, concat(client, "-cipher", "ECDHE-RSA-AES256-GCM-SHA384"));
        assertFalse(other.output().contains("OK user="), other.output());
        log.awaitOneLine("refused", "no shared cipher");
    }

    @Test
    void tls13CipherSuitesAreRestrictedByCiphersTls13() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TlsProviderUnderTest.get() == dev.midge.conf.TlsOptions.Provider.JDK,
                "BoringSSL cannot restrict TLS 1.3 suites: see ciphersTls13ThatOpenSslCannotHonourStopsStartUp");
        int port = start(Options.mutualTls(pki).ciphersTls13("TLS_AES_256_GCM_SHA384"));
        IssuedCertificate device = pki.device("dev1");
        String[] client = {"-ign_eof", "-tls1_3", "-CAfile", pki.caFile().toString(),
                "-cert", device.certFile().toString(), "-key", device.keyFile().toString()};

        assertTrue(OpenSsl.sClient(port, concat(client, "-ciphersuites", "TLS_AES_256_GCM_SHA384"))
                .output().contains("OK user=dev1"));
        assertFalse(OpenSsl.sClient(port, concat(client, "-ciphersuites", "TLS_AES_128_GCM_SHA256"))
                .output().contains("OK user="));
        log.awaitOneLine("refused", "no shared cipher");
    }

    @Test
    void ciphersTls13ThatOpenSslCannotHonourStopsStartUp() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> start(Options.mutualTls(pki)
                .provider(dev.midge.conf.TlsOptions.Provider.OPENSSL).ciphersTls13("TLS_AES_256_GCM_SHA384")));
        assertTrue(e.getMessage().startsWith("ciphers_tls1.3 'TLS_AES_256_GCM_SHA384' cannot be honoured with "
                + "midge_tls_provider openssl: BoringSSL always enables"), e.getMessage());

        // All three, as BoringSSL serves them, is honoured.
        int port = start(Options.mutualTls(pki).provider(dev.midge.conf.TlsOptions.Provider.OPENSSL)
                .ciphersTls13("TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256"));
        IssuedCertificate device = pki.device("dev1");
        assertTrue(OpenSsl.sClient(port, "-ign_eof", "-tls1_3", "-CAfile", pki.caFile().toString(),
                "-cert", device.certFile().toString(), "-key", device.keyFile().toString(),
                "-ciphersuites", "TLS_AES_128_GCM_SHA256").output().contains("OK user=dev1"));
    }

    @Test
    void missingFileAtStartUpIsNamed() {
        Path missing = dir.resolve("missing.crt");
        TlsFileException e = assertThrows(TlsFileException.class, () -> start(Options.mutualTls(pki).certfile(missing)));
        assertEquals(missing + ": no such file", e.getMessage());
    }

    @Test
    void garbageCertificateFileAtStartUpIsNamed() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.crt"), "hello\n");
        TlsFileException e = assertThrows(TlsFileException.class, () -> start(Options.mutualTls(pki).cafile(garbage)));
        assertTrue(e.getMessage().startsWith(garbage + ": "), e.getMessage());
    }

    @Test
    void keyThatDoesNotMatchItsCertificateIsRefusedAtStartUp() {
        Path otherKey = pki.server("other", KeyEncoding.PKCS8).keyFile();
        TlsFileException e = assertThrows(TlsFileException.class,
                () -> start(Options.mutualTls(pki).keyfile(otherKey)));
        assertTrue(e.getMessage().contains("does not match the certificate"), e.getMessage());
    }

    @Test
    void certificateWithoutCommonNameIsRefusedWhenItWouldNameTheUser() throws Exception {
        int port = start(Options.mutualTls(pki));
        IssuedCertificate anonymous = pki.deviceWithSubject("OU=Nobody,O=Midge Test", "no-cn");
        assertFalse(JsseClient.connect(port, pki.caCertificate(), anonymous).accepted());
        log.awaitOneLine("refused", "no CN to use as the username");
    }

    @Test
    void withoutRequireCertificateTheConnectUsernameIsUsed() throws Exception {
        int port = start(Options.mutualTls(pki).requireCertificate(false).useIdentityAsUsername(false));
        JsseClient.Outcome outcome = JsseClient.connect(port, pki.caCertificate(), null);
        assertTrue(outcome.accepted(), () -> String.valueOf(outcome.failure()));
        assertEquals("null", outcome.username());
        assertFalse(security.requiresClientCertificate());
    }

    private static String[] concat(String[] a, String... b) {
        String[] result = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}

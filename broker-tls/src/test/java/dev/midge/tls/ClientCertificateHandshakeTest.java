package dev.midge.tls;

import dev.midge.testing.LogCapture;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real handshakes against a listener with require_certificate, cafile and crlfile. */
class ClientCertificateHandshakeTest {

    @TempDir
    static Path dir;
    static TestPki pki;
    static IssuedCertificate revokedDevice;

    private final LogCapture log = LogCapture.of("dev.midge");
    @RegisterExtension
    final TlsListeners listeners = new TlsListeners();

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir);
        revokedDevice = pki.device("stolen");
        pki.revoke(revokedDevice);
        pki.writeCrl();
    }

    @AfterEach
    void stop() {
        log.close();
    }

    private int start(Options options) throws Exception {
        return listeners.start(options).port();
    }

    private int startMutualTls() throws Exception {
        return start(Options.mutualTls(pki).crlfile(pki.crlFile()));
    }

    @Test
    void goodCertificateIsAcceptedAndItsCommonNameIsTheUsername() throws Exception {
        int port = startMutualTls();
        JsseClient.Outcome outcome = JsseClient.connect(port, pki.caCertificate(), pki.device("dev1"));
        assertTrue(outcome.accepted(), () -> "refused: " + outcome.failure() + " " + log.lines());
        assertEquals("dev1", outcome.username());
        assertTrue(log.linesContaining("refused").isEmpty(), () -> log.lines().toString());
    }

    @Test
    void subjectAsUsernameMatchesOpenSslRfc2253Format() throws Exception {
        int port = start(Options.mutualTls(pki).useIdentityAsUsername(false).useSubjectAsUsername(true));
        IssuedCertificate device = pki.deviceWithSubject("CN=dev2,OU=Sensors+L=Leeds,O=Acme\\, Ltd,C=GB", "dev2-subject");
        JsseClient.Outcome outcome = JsseClient.connect(port, pki.caCertificate(), device);
        assertTrue(outcome.accepted(), () -> "refused: " + outcome.failure() + " " + log.lines());
        assertEquals(OpenSsl.subjectRfc2253(device.certFile()), outcome.username());
        assertTrue(outcome.username().startsWith("CN=dev2,"), outcome.username());
    }

    @Test
    void revokedCertificateIsRefusedWithItsSerialAndReason() throws Exception {
        int port = startMutualTls();
        JsseClient.Outcome outcome = JsseClient.connect(port, pki.caCertificate(), revokedDevice);
        assertFalse(outcome.accepted());
        String line = log.awaitOneLine("refused", "CN=stolen", "0x" + revokedDevice.serial().toString(16), "revoked",
                "keyCompromise");
        assertTrue(line.contains("127.0.0.1:"), line);
        assertFalse(log.anyStackTrace());
    }

    @Test
    void expiredCertificateIsRefused() throws Exception {
        int port = startMutualTls();
        assertFalse(JsseClient.connect(port, pki.caCertificate(), pki.expiredDevice("old")).accepted());
        log.awaitOneLine("refused", "CN=old", "serial 0x", "certificate expired");
    }

    @Test
    void notYetValidCertificateIsRefused() throws Exception {
        int port = startMutualTls();
        assertFalse(JsseClient.connect(port, pki.caCertificate(), pki.notYetValidDevice("early")).accepted());
        log.awaitOneLine("refused", "CN=early", "not yet valid");
    }

    @Test
    void certificateFromForeignCaIsRefusedAsUnknownCa() throws Exception {
        int port = startMutualTls();
        assertFalse(JsseClient.connect(port, pki.caCertificate(), pki.foreignDevice("intruder")).accepted());
        log.awaitOneLine("refused", "CN=intruder", "unknown CA", "Foreign Test CA");
    }

    @Test
    void clientWithoutCertificateIsRefused() throws Exception {
        int port = startMutualTls();
        assertFalse(JsseClient.connect(port, pki.caCertificate(), null).accepted());
        log.awaitOneLine("refused", "no client certificate");
    }

    @Test
    void tls11ClientIsRefusedForItsProtocolVersion() throws Exception {
        int port = startMutualTls();
        OpenSsl.Result result = OpenSsl.sClient(port, "-tls1_1", "-CAfile", pki.caFile().toString());
        assertFalse(result.succeeded(), result.output());
        log.awaitOneLine("refused", "protocol version");
    }

    @Test
    void openSslClientWithGoodCertificateCompletesTheHandshake() throws Exception {
        int port = startMutualTls();
        IssuedCertificate device = pki.device("dev3");
        OpenSsl.Result result = OpenSsl.sClient(port, "-ign_eof", "-CAfile", pki.caFile().toString(), "-verify_return_error",
                "-cert", device.certFile().toString(), "-key", device.keyFile().toString());
        assertTrue(result.output().contains("OK user=dev3"), result.output());
    }

    @Test
    void clientThatDoesNotTrustTheServerCertificateIsReported() throws Exception {
        int port = startMutualTls();
        TestPki other = TestPki.create(dir.resolve("other"));
        assertFalse(JsseClient.connect(port, other.caCertificate(), pki.device("dev4")).accepted());
        log.awaitOneLine("refused", "the client refused the handshake", "does it trust the CA of certfile?");
    }

    @Test
    void plainMqttOnTheTlsPortIsReportedAsNotTls() throws Exception {
        int port = startMutualTls();
        try (java.net.Socket plain = new java.net.Socket("127.0.0.1", port)) {
            // An MQTT 3.1.1 CONNECT's first bytes.
            plain.getOutputStream().write(new byte[]{0x10, 0x0c, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c});
            plain.setSoTimeout(5000);
            assertEquals(-1, plain.getInputStream().read());
        }
        log.awaitOneLine("refused", "not TLS");
    }

    @Test
    void onlyOneLinePerRefusal() throws Exception {
        int port = startMutualTls();
        JsseClient.connect(port, pki.caCertificate(), revokedDevice);
        log.awaitOneLine("refused", "CN=stolen");
        // A second, different refusal proves the first one's line is complete and alone.
        JsseClient.connect(port, pki.caCertificate(), null);
        log.awaitOneLine("refused", "no client certificate");
        assertEquals(2, log.linesContaining("refused").size(), () -> log.lines().toString());
    }
}

package dev.midge.tls;

import dev.midge.testing.LogCapture;
import dev.midge.testing.Deadlines;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.midge.broker.reload.FileWatcher;

import java.nio.file.Path;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A CRL past its nextUpdate: refuse everyone (mosquitto's safe default) or only warn. */
class CrlExpiryTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private final LogCapture log = LogCapture.of("dev.midge");
    @RegisterExtension
    final TlsListeners listeners = new TlsListeners();

    @BeforeEach
    void pki() {
        pki = TestPki.create(dir);
        pki.writeExpiredCrl();
    }

    @AfterEach
    void stop() {
        log.close();
    }

    private int start(boolean warnOnly) throws Exception {
        return listeners.start(Options.mutualTls(pki).crlfile(pki.crlFile()).crlExpiredWarnOnly(warnOnly)).port();
    }

    @Test
    void expiredCrlRefusesEveryClientCertificateAndSaysSo() throws Exception {
        int port = start(false);
        log.awaitOneLine("ERROR", "The CRL " + pki.crlFile(), "expired", "every client certificate is refused");
        assertFalse(JsseClient.connect(port, pki.caCertificate(), pki.device("dev1")).accepted());
        log.awaitOneLine("refused", "CN=dev1", "expired at", "(nextUpdate)");
    }

    @Test
    void warnOnlyLetsGoodCertificatesInDespiteAnExpiredCrl() throws Exception {
        int port = start(true);
        log.awaitOneLine("WARN", "The CRL " + pki.crlFile(), "expired", "still accepted");
        assertTrue(JsseClient.connect(port, pki.caCertificate(), pki.device("dev1")).accepted());
    }

    @Test
    void freshCrlEndsTheRefusal() throws Exception {
        try (FileWatcher watcher = FileWatcher.start()) {
            int port = listeners.start(Options.mutualTls(pki).crlfile(pki.crlFile()), watcher, false).port();
            IssuedCertificate dev1 = pki.device("dev1");
            assertFalse(JsseClient.connect(port, pki.caCertificate(), dev1).accepted());
            pki.writeCrl();
            await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL)
                    .until(() -> JsseClient.connect(port, pki.caCertificate(), dev1).accepted());
        }
    }
}

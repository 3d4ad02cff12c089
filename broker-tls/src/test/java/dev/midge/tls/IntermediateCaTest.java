package dev.midge.tls;

import dev.midge.testing.LogCapture;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Devices issued by an intermediate CA, the listener trusting only the root (the device sends
 * its chain). The intermediate's CRL is checked with the intermediate the chain presents, as
 * OpenSSL does, or at load time when the intermediate is in cafile.
 */
class IntermediateCaTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private final LogCapture log = LogCapture.of("dev.midge");
    private final FileWatcher watcher = FileWatcher.start();
    @RegisterExtension
    final TlsListeners listeners = new TlsListeners();

    @BeforeEach
    void pki() {
        pki = TestPki.create(dir);
        pki.deviceViaIntermediate("warm-up");   // creates the intermediate, so the CRL file covers it
        pki.writeCrl();
    }

    @AfterEach
    void stop() {
        watcher.close();
        log.close();
    }

    private int listen(Options options, boolean holdConnections) throws Exception {
        return listeners.start(options, watcher, holdConnections).port();
    }

    @Test
    void deviceSendingItsChainIsAcceptedUnderItsCommonName() throws Exception {
        IssuedCertificate device = pki.deviceViaIntermediate("edge1");
        int port = listen(Options.mutualTls(pki).crlfile(pki.crlFile()), false);
        JsseClient.Outcome outcome = JsseClient.connect(port, pki.caCertificate(), device);
        assertTrue(outcome.accepted(), () -> outcome.failure() + " " + log.lines());
        assertEquals("edge1", outcome.username());
        OpenSsl.Result openssl = OpenSsl.sClient(port, "-ign_eof", "-CAfile", pki.caFile().toString(),
                "-cert", device.chainFile().toString(), "-key", device.keyFile().toString(), "-cert_chain",
                device.chainFile().toString());
        assertTrue(openssl.output().contains("OK user=edge1"), openssl.output());
    }

    @Test
    void deviceRevokedInTheIntermediatesCrlIsRefused() throws Exception {
        IssuedCertificate device = pki.deviceViaIntermediate("edge2");
        pki.revoke(device);
        pki.writeCrl();
        int port = listen(Options.mutualTls(pki).crlfile(pki.crlFile()), false);
        assertFalse(JsseClient.connect(port, pki.caCertificate(), device).accepted());
        log.awaitOneLine("refused", "CN=edge2", "certificate revoked");
    }

    @Test
    void intermediateInCafileLetsItsCrlBeCheckedAtLoad() throws Exception {
        IssuedCertificate device = pki.deviceViaIntermediate("edge3");
        pki.revoke(device);
        pki.writeCrl();
        Path cafile = Files.writeString(dir.resolve("ca-chain.crt"),
                Files.readString(pki.caFile()) + Files.readString(pki.intermediateCaFile()));
        int port = listen(Options.mutualTls(pki).cafile(cafile).crlfile(pki.crlFile()), false);
        assertFalse(JsseClient.connect(port, pki.caCertificate(), device).accepted());
        log.awaitOneLine("refused", "CN=edge3", "certificate revoked");
    }

    @Test
    void forgedIntermediateCrlRefusesThatIntermediatesDevices() throws Exception {
        pki.writeCrlWithForgedIntermediateCrl();
        int port = listen(Options.mutualTls(pki).crlfile(pki.crlFile()), false);
        assertFalse(JsseClient.connect(port, pki.caCertificate(), pki.deviceViaIntermediate("edge4")).accepted());
        log.awaitOneLine("refused", "CN=edge4", "does not verify with that CA's key");
        assertTrue(JsseClient.connect(port, pki.caCertificate(), pki.device("root-device")).accepted());
    }

    @Test
    void connectedIntermediateDeviceIsDisconnectedWhenRevoked() throws Exception {
        IssuedCertificate device = pki.deviceViaIntermediate("edge5");
        int port = listen(Options.mutualTls(pki).crlfile(pki.crlFile()), true);
        JsseClient.Outcome connected = JsseClient.connect(port, pki.caCertificate(), device, false);
        assertTrue(connected.accepted());
        CompletableFuture<Integer> dropped = CompletableFuture.supplyAsync(() -> {
            try {
                return connected.socket().getInputStream().read();
            } catch (Exception closedWithAlert) {
                return -1;
            }
        });

        pki.revoke(device);
        pki.writeCrl();
        assertEquals(-1, dropped.get(1, TimeUnit.SECONDS));
        log.awaitOneLine("Disconnecting", "CN=edge5", "keyCompromise");
        connected.socket().close();
    }
}

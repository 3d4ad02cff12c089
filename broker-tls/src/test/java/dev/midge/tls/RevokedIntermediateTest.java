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
 * Root → intermediate → device, with the root's CRL revoking the intermediate: every device under
 * it is refused at the handshake and cut off when connected, whether the device sends its chain
 * or the intermediate is in cafile (as in the secure default, where the JDK would take it as a
 * trust anchor and never ask about its revocation).
 */
class RevokedIntermediateTest {

    private static final String INTERMEDIATE = "issuing CA CN=Midge Test Intermediate CA,O=Midge Test serial 0x";

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
        pki.deviceViaIntermediate("warm-up");   // creates the intermediate, so the CRL file has its CRL
        pki.writeCrl();
    }

    @AfterEach
    void stop() {
        watcher.close();
        log.close();
    }

    @Test
    void deviceSendingItsChainIsRefusedWhenTheRootRevokedItsIssuingCa() throws Exception {
        IssuedCertificate device = pki.deviceViaIntermediate("edge1");
        pki.revokeIntermediateCa();
        pki.writeCrl();
        int port = listeners.start(Options.mutualTls(pki).crlfile(pki.crlFile()), watcher, false).port();

        JsseClient.Outcome outcome = JsseClient.connect(port, pki.caCertificate(), device);

        assertFalse(outcome.accepted(), outcome::toString);
        String line = log.awaitOneLine("refused", "certificate CN=edge1,O=Midge Test serial 0x"
                + device.serial().toString(16), INTERMEDIATE + pki.intermediateCaCertificate().getSerialNumber().toString(16)
                + " is revoked (keyCompromise");
        assertTrue(line.contains("TLS handshake from 127.0.0.1:"), line);
    }

    @Test
    void intermediateInCafileIsCheckedAgainstTheRootCrlToo() throws Exception {
        IssuedCertificate device = pki.deviceViaIntermediate("edge2");
        Path cafile = Files.writeString(dir.resolve("ca-chain.crt"),
                Files.readString(pki.intermediateCaFile()) + Files.readString(pki.caFile()));
        int port = listeners.start(Options.mutualTls(pki).cafile(cafile).crlfile(pki.crlFile()), watcher, false).port();
        assertTrue(sendOnlyLeaf(port, device).contains("OK user=edge2"), "accepted before the revocation");

        pki.revokeIntermediateCa();
        pki.writeCrl();
        log.awaitOneLine("Reloaded TLS material");

        assertFalse(sendOnlyLeaf(port, device).contains("OK user="));
        log.awaitOneLine("refused", "CN=edge2", INTERMEDIATE);
    }

    @Test
    void connectedDeviceIsDroppedWithinASecondWhenTheRootCrlRevokesItsIssuingCa() throws Exception {
        IssuedCertificate device = pki.deviceViaIntermediate("edge3");
        int port = listeners.start(Options.mutualTls(pki).crlfile(pki.crlFile()), watcher, true).port();
        JsseClient.Outcome connected = JsseClient.connect(port, pki.caCertificate(), device, false);
        assertTrue(connected.accepted(), connected::toString);
        CompletableFuture<Integer> dropped = CompletableFuture.supplyAsync(() -> {
            try {
                return connected.socket().getInputStream().read();
            } catch (Exception closedWithAlert) {
                return -1;
            }
        });

        pki.revokeIntermediateCa();
        pki.writeCrl();

        assertEquals(-1, dropped.get(1, TimeUnit.SECONDS));
        log.awaitOneLine("Disconnecting", "CN=edge3", INTERMEDIATE, "is revoked (keyCompromise");
        connected.socket().close();
    }

    @Test
    void intermediateWithoutACrlFromItsIssuerIsNotRefused() throws Exception {
        // Only the intermediate's own CRL: the root publishes none. As OpenSSL's CRL_CHECK (which
        // mosquitto sets), the leaf needs its issuer's CRL; the CAs above it are checked when theirs is given.
        IssuedCertificate device = pki.deviceViaIntermediate("edge4");
        pki.revokeIntermediateCa();
        String both = Files.readString(pki.writeCrl());
        Path intermediateOnly = Files.writeString(dir.resolve("intermediate-crl.pem"),
                both.substring(both.lastIndexOf("-----BEGIN X509 CRL-----")));
        int port = listeners.start(Options.mutualTls(pki).crlfile(intermediateOnly), watcher, false).port();

        JsseClient.Outcome outcome = JsseClient.connect(port, pki.caCertificate(), device);

        assertTrue(outcome.accepted(), () -> outcome + " " + log.lines());
        assertEquals("edge4", outcome.username());
    }

    /** openssl s_client presenting the leaf alone, as a device whose issuing CA is in the broker's cafile. */
    private String sendOnlyLeaf(int port, IssuedCertificate device) {
        return OpenSsl.sClient(port, "-ign_eof", "-CAfile", pki.caFile().toString(), "-cert", device.certFile().toString(),
                "-key", device.keyFile().toString()).output();
    }
}

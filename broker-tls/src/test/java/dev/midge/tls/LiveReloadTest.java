package dev.midge.tls;

import dev.midge.testing.LogCapture;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.testing.Deadlines;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.KeyEncoding;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Certificates, keys and CRLs replaced on disk while the listener runs. */
class LiveReloadTest {


    @TempDir
    Path dir;
    private TestPki pki;
    private IssuedCertificate stolen;
    private final LogCapture log = LogCapture.of("dev.midge");
    private final FileWatcher watcher = FileWatcher.start();
    @RegisterExtension
    final TlsListeners listeners = new TlsListeners();
    private TlsListenerSecurity security;

    @BeforeEach
    void pki() {
        pki = TestPki.create(dir);
        stolen = pki.device("stolen");
        pki.revoke(stolen);
        pki.writeCrl();
    }

    @AfterEach
    void stop() {
        watcher.close();
        log.close();
    }

    private int start(Options options, boolean holdConnections) throws Exception {
        TlsListeners.Started started = listeners.start(options, watcher, holdConnections);
        security = started.security();
        return started.port();
    }

    private boolean accepted(int port, IssuedCertificate device) {
        return JsseClient.connect(port, pki.caCertificate(), device).accepted();
    }

    @Test
    void replacedCrlRefusesTheNextHandshake() throws Exception {
        int port = start(Options.mutualTls(pki).crlfile(pki.crlFile()), false);
        IssuedCertificate dev1 = pki.device("dev1");
        assertTrue(accepted(port, dev1));

        pki.revoke(dev1);
        pki.writeCrl();
        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> !accepted(port, dev1));
        // A handshake that began before the swap is closed once it completes; the next is refused by the trust manager.
        log.clear();
        assertFalse(accepted(port, dev1));
        log.awaitOneLine("refused", "CN=dev1", "certificate revoked");
    }

    @Test
    void crlWrittenInPlaceIsPickedUpToo() throws Exception {
        int port = start(Options.mutualTls(pki).crlfile(pki.crlFile()), false);
        IssuedCertificate dev1 = pki.device("dev1");
        assertTrue(accepted(port, dev1));

        pki.revoke(dev1);
        pki.writeCrlInPlace();
        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> !accepted(port, dev1));
    }

    @Test
    void revokedDeviceIsDisconnectedWhenCrlChanges() throws Exception {
        int port = start(Options.mutualTls(pki).crlfile(pki.crlFile()), true);
        IssuedCertificate dev1 = pki.device("dev1");
        IssuedCertificate dev2 = pki.device("dev2");
        JsseClient.Outcome connected = JsseClient.connect(port, pki.caCertificate(), dev1, false);
        JsseClient.Outcome bystander = JsseClient.connect(port, pki.caCertificate(), dev2, false);
        assertTrue(connected.accepted() && bystander.accepted());
        CompletableFuture<Integer> dropped = readUntilClosed(connected.socket().getInputStream());

        pki.revoke(dev1);
        pki.writeCrl();
        assertEquals(-1, dropped.get(1, TimeUnit.SECONDS), "the revoked device's connection must be closed");
        log.awaitOneLine("Disconnecting", "CN=dev1", "serial 0x" + dev1.serial().toString(16), "keyCompromise");
        assertFalse(bystander.socket().isClosed());
        bystander.socket().setSoTimeout(200);
        assertTrue(stillOpen(bystander.socket().getInputStream()), "a device that is not revoked stays connected");
        connected.socket().close();
        bystander.socket().close();
    }

    @Test
    void newCrlAsksTheRevocationHookAboutConnectedClients() throws Exception {
        start(Options.mutualTls(pki).crlfile(pki.crlFile()), false);
        IssuedCertificate dev1 = pki.device("dev1");
        IssuedCertificate dev2 = pki.device("dev2");
        List<ClientIdentity> connected = List.of(identity("c1", dev1), identity("c2", dev2));
        CompletableFuture<List<String>> selected = new CompletableFuture<>();
        security.disconnectRevokedWith((which, reason) -> {
            List<String> ids = connected.stream().filter(which).map(ClientIdentity::clientId).toList();
            selected.complete(ids);
            return ids.size();
        });

        pki.revoke(dev2);
        pki.writeCrl();
        assertEquals(List.of("c2"), selected.get(1, TimeUnit.SECONDS));
        log.awaitOneLine("Disconnecting", "client c2", "CN=dev2", "serial 0x" + dev2.serial().toString(16), "keyCompromise");
    }

    @Test
    void corruptCrlKeepsThePreviousOneInForce() throws Exception {
        int port = start(Options.mutualTls(pki).crlfile(pki.crlFile()), false);
        TestPki.writeAtomically(pki.crlFile(), "-----BEGIN X509 CRL-----\nnot a crl\n-----END X509 CRL-----\n");

        log.awaitOneLine("ERROR", "Not reloading", pki.crlFile().toString());
        assertFalse(accepted(port, stolen), "the old CRL still revokes");
        assertTrue(accepted(port, pki.device("dev1")), "and still lets good devices in");
        assertFalse(log.anyStackTrace());
    }

    @Test
    void crlSignedByAnotherCaIsRejectedAndThePreviousOneStays() throws Exception {
        int port = start(Options.mutualTls(pki).crlfile(pki.crlFile()), false);
        IssuedCertificate dev1 = pki.device("dev1");
        pki.revoke(dev1);
        pki.writeCrlSignedByForeignCa();

        log.awaitOneLine("ERROR", "Not reloading", "signature does not verify");
        assertTrue(accepted(port, dev1), "a forged CRL must not revoke anyone");
        assertFalse(accepted(port, stolen));
    }

    @Test
    void keyThatDoesNotMatchTheCertificateIsRejectedAndTheOldPairStays() throws Exception {
        Path certfile = dir.resolve("live-server.crt");
        Path keyfile = dir.resolve("live-server.key");
        IssuedCertificate first = pki.server("first", KeyEncoding.SEC1);
        Files.copy(first.certFile(), certfile);
        Files.copy(first.keyFile(), keyfile);
        int port = start(Options.mutualTls(pki).certfile(certfile).keyfile(keyfile), false);
        IssuedCertificate dev1 = pki.device("dev1");
        assertEquals(first.serial(), JsseClient.connect(port, pki.caCertificate(), dev1).serverCertificate().getSerialNumber());

        IssuedCertificate second = pki.server("second", KeyEncoding.SEC1);
        Files.copy(second.keyFile(), keyfile, StandardCopyOption.REPLACE_EXISTING);   // key without its certificate
        log.awaitOneLine("ERROR", "Not reloading", "does not match the certificate");
        assertEquals(first.serial(), JsseClient.connect(port, pki.caCertificate(), dev1).serverCertificate().getSerialNumber());

        Files.copy(second.certFile(), certfile, StandardCopyOption.REPLACE_EXISTING);  // now the pair matches
        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> second.serial().equals(
                JsseClient.connect(port, pki.caCertificate(), dev1).serverCertificate().getSerialNumber()));
    }

    @Test
    void replacedCaFileIsUsedForTheNextHandshake() throws Exception {
        Path cafile = dir.resolve("live-ca.crt");
        Files.copy(pki.foreignCaFile(), cafile);
        int port = start(Options.mutualTls(pki).cafile(cafile), false);
        IssuedCertificate dev1 = pki.device("dev1");
        assertFalse(accepted(port, dev1));

        TestPki.writeAtomically(cafile, Files.readString(pki.caFile()));
        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> accepted(port, dev1));
    }

    private static ClientIdentity identity(String clientId, IssuedCertificate device) {
        return new ClientIdentity(clientId, device.name(), new InetSocketAddress("127.0.0.1", 40000), 8883,
                device.certificate());
    }

    private static CompletableFuture<Integer> readUntilClosed(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return in.read();
            } catch (Exception closedWithAlert) {
                return -1;
            }
        });
    }

    private static boolean stillOpen(InputStream in) {
        try {
            return in.read() != -1;
        } catch (java.net.SocketTimeoutException nothingToRead) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}

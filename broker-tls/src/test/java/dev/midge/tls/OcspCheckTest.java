package dev.midge.tls;

import dev.midge.testing.LogCapture;
import dev.midge.conf.TlsOptions.OcspCheck;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.Ports;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * midge_ocsp_check against a real OCSP responder: {@code openssl ocsp -index ... -port N}
 * started on loopback, signing with a delegated responder certificate, for device certificates
 * whose authorityInfoAccess names it.
 */
class OcspCheckTest {

    private static final DateTimeFormatter OPENSSL_TIME =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;
    private TestPki pki;
    private int responderPort;
    private Process responder;
    private final LogCapture log = LogCapture.of("dev.midge");
    @RegisterExtension
    final TlsListeners listeners = new TlsListeners();

    @BeforeEach
    void pki() throws IOException {
        pki = TestPki.create(dir);
        responderPort = Ports.freePort();
        pki.ocspUrl("http://127.0.0.1:" + responderPort + "/");
    }

    @AfterEach
    void stop() {
        if (responder != null) {
            responder.destroy();
        }
        log.close();
    }

    @Test
    void revokedDeviceIsDroppedRightAfterItsHandshakeAndAGoodOneStays() throws Exception {
        IssuedCertificate good = pki.device("good");
        IssuedCertificate stolen = pki.device("stolen");
        startResponder(List.of(good), List.of(stolen));
        int port = listeners.start(Options.mutualTls(pki).ocspCheck(OcspCheck.FAIL_CLOSED), null, true).port();

        JsseClient.Outcome kept = JsseClient.connect(port, pki.caCertificate(), good, false);
        assertTrue(kept.accepted(), "the handshake does not wait for OCSP: " + kept);
        log.awaitOneLine("OCSP:", "CN=good", "is good");

        JsseClient.Outcome dropped = JsseClient.connect(port, pki.caCertificate(), stolen, false);
        assertTrue(dropped.accepted(), "the handshake does not wait for OCSP: " + dropped);
        assertEquals(-1, readUntilClosed(dropped.socket().getInputStream()).get(2, TimeUnit.SECONDS),
                "the revoked device's connection must be closed");
        log.awaitOneLine("Disconnecting", "CN=stolen", "serial 0x" + stolen.serial().toString(16),
                "revoked (keyCompromise on", "OCSP responder http://127.0.0.1:" + responderPort);

        assertFalse(kept.socket().isClosed());
        assertTrue(log.matching("Disconnecting", "CN=good").isEmpty(), log.lines().toString());
        kept.socket().close();
    }

    @Test
    void answerIsCachedUntilNextUpdateSoTheResponderIsAskedOncePerCertificate() throws Exception {
        IssuedCertificate stolen = pki.device("stolen");
        startResponder(List.of(), List.of(stolen));
        int port = listeners.start(Options.mutualTls(pki).ocspCheck(OcspCheck.FAIL_CLOSED), null, true).port();
        JsseClient.Outcome first = JsseClient.connect(port, pki.caCertificate(), stolen, false);
        assertEquals(-1, readUntilClosed(first.socket().getInputStream()).get(2, TimeUnit.SECONDS));
        log.awaitOneLine("Disconnecting", "CN=stolen", "OCSP responder");

        responder.destroy();
        assertTrue(responder.waitFor(10, TimeUnit.SECONDS));
        JsseClient.Outcome again = JsseClient.connect(port, pki.caCertificate(), stolen, false);
        assertEquals(-1, readUntilClosed(again.socket().getInputStream()).get(2, TimeUnit.SECONDS));
        log.awaitOneLine("Disconnecting", "CN=stolen", "by a cached OCSP answer");
    }

    @Test
    void unreachableResponderDropsTheClientWhenFailClosed() throws Exception {
        IssuedCertificate device = pki.device("dev1");   // nobody listens on responderPort
        int port = listeners.start(Options.mutualTls(pki).ocspCheck(OcspCheck.FAIL_CLOSED), null, true).port();

        JsseClient.Outcome outcome = JsseClient.connect(port, pki.caCertificate(), device, false);
        assertTrue(outcome.accepted(), outcome.toString());
        assertEquals(-1, readUntilClosed(outcome.socket().getInputStream()).get(10, TimeUnit.SECONDS));
        log.awaitOneLine("Disconnecting", "CN=dev1", "revocation status is not known",
                "no usable answer from the OCSP responder: connection refused", "fail-closed");
    }

    @Test
    void unreachableResponderKeepsTheClientWhenFailOpenAndSaysSo() throws Exception {
        IssuedCertificate device = pki.device("dev1");
        int port = listeners.start(Options.mutualTls(pki).ocspCheck(OcspCheck.FAIL_OPEN), null, true).port();

        JsseClient.Outcome outcome = JsseClient.connect(port, pki.caCertificate(), device, false);
        assertTrue(outcome.accepted(), outcome.toString());
        log.awaitOneLine("Keeping", "CN=dev1", "revocation status is not known", "fail-open");
        assertFalse(outcome.socket().isClosed());
        assertTrue(log.matching("Disconnecting", "CN=dev1").isEmpty(), log.lines().toString());
        outcome.socket().close();
    }

    @Test
    void certificateWithoutResponderUrlIsDroppedWhenFailClosed() throws Exception {
        pki.ocspUrl(null);
        IssuedCertificate device = pki.device("no-aia");
        int port = listeners.start(Options.mutualTls(pki).ocspCheck(OcspCheck.FAIL_CLOSED), null, true).port();

        JsseClient.Outcome outcome = JsseClient.connect(port, pki.caCertificate(), device, false);
        assertEquals(-1, readUntilClosed(outcome.socket().getInputStream()).get(2, TimeUnit.SECONDS));
        log.awaitOneLine("Disconnecting", "CN=no-aia", "names no OCSP responder");
    }

    /** openssl's own responder, with an index.txt as openssl ca writes it. */
    private void startResponder(List<IssuedCertificate> valid, List<IssuedCertificate> revoked) throws Exception {
        IssuedCertificate signer = pki.ocspResponder("ocsp-responder");
        StringBuilder index = new StringBuilder();
        for (IssuedCertificate c : valid) {
            index.append("V\t").append(OPENSSL_TIME.format(c.certificate().getNotAfter().toInstant())).append("\t\t")
                    .append(serial(c)).append("\tunknown\t/CN=").append(c.name()).append('\n');
        }
        for (IssuedCertificate c : revoked) {
            index.append("R\t").append(OPENSSL_TIME.format(c.certificate().getNotAfter().toInstant())).append('\t')
                    .append(OPENSSL_TIME.format(java.time.Instant.now().minusSeconds(60))).append(",keyCompromise\t")
                    .append(serial(c)).append("\tunknown\t/CN=").append(c.name()).append('\n');
        }
        Path indexFile = Files.writeString(dir.resolve("index.txt"), index.toString());
        responder = new ProcessBuilder("openssl", "ocsp", "-index", indexFile.toString(), "-port",
                Integer.toString(responderPort), "-rsigner", signer.certFile().toString(), "-rkey",
                signer.keyFile().toString(), "-CA", pki.caFile().toString(), "-nmin", "5")
                .redirectErrorStream(true).redirectOutput(dir.resolve("responder.log").toFile()).start();
        // Not a probe connection: openssl's one-at-a-time server would be left reading it.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertTrue(responder.isAlive(), () -> "openssl ocsp exited: " + readLog());
            return readLog().contains("waiting for OCSP client connections");
        });
    }

    private String readLog() {
        try {
            return Files.readString(dir.resolve("responder.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String serial(IssuedCertificate c) {
        String hex = c.serial().toString(16).toUpperCase(Locale.ROOT);
        return hex.length() % 2 == 0 ? hex : "0" + hex;
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
}

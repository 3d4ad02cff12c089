package dev.midge.tls;

import dev.midge.broker.reload.FileWatcher;
import dev.midge.testing.Deadlines;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.LogCapture;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS session resumption with the real openssl client (-sess_out, then -sess_in): a resumed
 * session skips the trust manager, so the certificate behind it must be judged again.
 */
class SessionResumptionTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private final LogCapture log = LogCapture.of("dev.midge");
    private final FileWatcher watcher = FileWatcher.start();
    @RegisterExtension
    final TlsListeners listeners = new TlsListeners();
    private int port;

    @BeforeEach
    void start() throws Exception {
        pki = TestPki.create(dir);
        pki.writeCrl();
        port = listeners.start(Options.mutualTls(pki).crlfile(pki.crlFile()), watcher, false).port();
    }

    @AfterEach
    void stop() {
        watcher.close();
        log.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void resumedSessionKeepsTheCertificatesUsername(String version) {
        IssuedCertificate dev1 = pki.device("dev1");
        Path session = dir.resolve("dev1.session");
        assertTrue(firstHandshake(version, dev1, session).contains("OK user=dev1"));

        OpenSsl.Result resumed = resume(version, session);

        assertTrue(resumed.output().contains("Reused"), resumed.output());
        assertTrue(resumed.output().contains("OK user=dev1"), resumed.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void revokedDeviceCannotResumeItsSession(String version) {
        IssuedCertificate dev1 = pki.device("dev1");
        Path session = dir.resolve("dev1.session");
        assertTrue(firstHandshake(version, dev1, session).contains("OK user=dev1"));

        pki.revoke(dev1);
        pki.writeCrl();
        // The new CRL is in force once a full handshake of dev1 is refused.
        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL)
                .until(() -> !firstHandshake(version, dev1, dir.resolve("ignored")).contains("OK user=dev1"));
        log.clear();
        OpenSsl.Result resumed = resume(version, session);

        // A new CRL builds a new TLS context, whose ticket keys and session cache are new: the old
        // session is not resumed, and without its certificate the client is refused.
        assertFalse(resumed.output().contains("OK user="), resumed.output());
        assertFalse(resumed.output().contains("Reused"), resumed.output());
        log.awaitOneLine("TLS handshake from 127.0.0.1:", "refused: no client certificate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void expiredCertificateCannotResumeItsSession(String version) {
        IssuedCertificate shortLived = pki.shortLivedDevice("brief", java.time.Duration.ofSeconds(4));
        Path session = dir.resolve("brief.session");
        assertTrue(firstHandshake(version, shortLived, session).contains("OK user=brief"));

        java.time.Instant notAfter = shortLived.certificate().getNotAfter().toInstant();
        await().atMost(Deadlines.RELOAD).until(() -> java.time.Instant.now().isAfter(notAfter.plusSeconds(1)));
        OpenSsl.Result resumed = resume(version, session);

        assertFalse(resumed.output().contains("OK user="), resumed.output());
        log.awaitOneLine("TLS handshake from 127.0.0.1:", "refused: certificate CN=brief", "certificate expired");
    }

    private String firstHandshake(String version, IssuedCertificate device, Path sessionOut) {
        OpenSsl.Result result = sClient(version, "-cert", device.certFile().toString(), "-key",
                device.keyFile().toString(), "-sess_out", sessionOut.toString());
        return result.output();
    }

    private OpenSsl.Result resume(String version, Path session) {
        assertTrue(Files.exists(session), "openssl wrote no session to " + session);
        return sClient(version, "-sess_in", session.toString());
    }

    /** Not -brief: the full output says "Reused" or "New" for the session. */
    private OpenSsl.Result sClient(String version, String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("s_client", "-connect",
                "127.0.0.1:" + port, version, "-ign_eof", "-CAfile", pki.caFile().toString()));
        all.addAll(java.util.List.of(args));
        return OpenSsl.run(all.toArray(String[]::new));
    }
}

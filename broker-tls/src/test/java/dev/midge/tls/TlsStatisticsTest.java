package dev.midge.tls;

import dev.midge.broker.metrics.Figure;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.Deadlines;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.LogCapture;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Each refused handshake is counted under the reason its log line gives; a CRL's cut-offs are counted too. */
class TlsStatisticsTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private final LogCapture log = LogCapture.of("dev.midge");
    private final FileWatcher watcher = FileWatcher.start();
    private final TlsStatistics statistics = new TlsStatistics();
    private TlsListenerSecurity tls;
    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        pki = TestPki.create(dir);
        pki.writeCrl();
        tls = TlsListenerSecurity.create(Options.mutualTls(pki).crlfile(pki.crlFile()).build(), watcher);
        tls.reportTo(statistics);
        broker = EmbeddedBroker.start(listener -> listener.withSecurity(tls), options -> { });
        tls.disconnectRevokedWith(broker.broker()::disconnectClients);
    }

    @AfterEach
    void stop() {
        broker.close();
        tls.close();
        watcher.close();
        log.close();
    }

    @Test
    void refusalsAreCountedByTheReasonTheirLineGives() throws Exception {
        IssuedCertificate revoked = pki.device("gone");
        pki.revoke(revoked);
        pki.writeCrlInPlace();
        log.awaitOneLine("Reloaded");
        refused(pki.expiredDevice("old"), "certificate expired");
        refused(revoked, "certificate revoked");
        refused(pki.foreignDevice("stranger"), "unknown CA");
        refused(null, "no client certificate");

        Map<String, Double> figures = figures();
        assertEquals(1, figures.get("$SYS/broker/midge/tls/refusals/expired"));
        assertEquals(1, figures.get("$SYS/broker/midge/tls/refusals/revoked"));
        assertEquals(1, figures.get("$SYS/broker/midge/tls/refusals/unknown_ca"));
        assertEquals(1, figures.get("$SYS/broker/midge/tls/refusals/no_certificate"));
        assertEquals(0, figures.get("$SYS/broker/midge/tls/refusals/other"));
        assertEquals(1, figures.get("$SYS/broker/midge/crl/revoked_certificates"));
        assertEquals(nextUpdateOf(pki.crlFile()), figures.get("$SYS/broker/midge/crl/next_update").longValue());
    }

    @Test
    void connectionsCutOffByANewCrlAreCounted() throws Exception {
        IssuedCertificate dev1 = pki.device("dev1");
        try (RunningSubscriber sub = MosquittoClients.subscribe(client(dev1), "-t", "x", "-v")) {
            assertNotNull(sub.awaitSubscribed(Duration.ofSeconds(20)), sub.stderr());
            assertEquals(0, figures().get("$SYS/broker/midge/revocation/disconnects"));
            pki.revoke(dev1);
            pki.writeCrlInPlace();
            log.awaitOneLine("Disconnecting", "dev1", "revoked");
            // counted as the line is written; polled only for the memory visibility between threads
            org.awaitility.Awaitility.await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL)
                    .until(() -> figures().get("$SYS/broker/midge/revocation/disconnects") == 1);
        }
    }

    private static long nextUpdateOf(Path crlFile) throws Exception {
        try (var in = java.nio.file.Files.newInputStream(crlFile)) {
            var crl = (java.security.cert.X509CRL) java.security.cert.CertificateFactory.getInstance("X.509").generateCRL(in);
            return crl.getNextUpdate().toInstant().getEpochSecond();
        }
    }

    private void refused(IssuedCertificate device, String lineSays) {
        ProcessResult result = MosquittoClients.publish(device == null
                ? MosquittoClients.options(broker.port()).cafile(pki.caFile())
                : client(device), "-t", "t", "-m", "1");
        assertNotEquals(0, result.exitCode(), result.toString());
        log.awaitOneLine("TLS handshake from", "refused", lineSays);
    }

    private MosquittoClients.Options client(IssuedCertificate device) {
        return MosquittoClients.options(broker.port()).cafile(pki.caFile()).cert(device.certFile(), device.keyFile());
    }

    private Map<String, Double> figures() {
        Map<String, Double> out = new HashMap<>();
        statistics.collect(f -> out.put(f.topic(), f.value()));
        return out;
    }
}

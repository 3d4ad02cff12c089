package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import dev.midge.testing.TestPki;
import dev.midge.testing.TlsProviderUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator sees of a running broker.jar: {@code mosquitto_sub -t '$SYS/#' -v} shows mosquitto's
 * topics and Midge's own (TLS refusals by reason, the CRL's next update), and {@code curl} scrapes
 * {@code /metrics} and {@code /health} on {@code midge_metrics_listener}, after real traffic over mutual TLS.
 */
class MetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void sysTopicsAndTheMetricsEndpointShowRealTraffic() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"));
        IssuedCertificate server = pki.server();
        IssuedCertificate dev1 = pki.device("dev1");
        pki.writeCrl();
        int tlsPort = Ports.freePort();
        int plainPort = Ports.freePort();
        metricsPort = Ports.freePort();
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                per_listener_settings false
                allow_anonymous true
                sys_interval 1
                midge_metrics_listener 127.0.0.1:%d
                listener %d 127.0.0.1
                listener %d
                cafile %s
                certfile %s
                keyfile %s
                require_certificate true
                use_identity_as_username true
                crlfile %s
                """.formatted(metricsPort, plainPort, tlsPort, pki.caFile(), server.chainFile(), server.keyFile(),
                pki.crlFile()));

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            TlsProviderUnderTest.awaitInUse(broker, WAIT);
            broker.awaitLine("Serving /metrics and /health on http://127.0.0.1:" + metricsPort, WAIT);
            assertEquals("200 ok", curl("/health"));

            try (RunningSubscriber sys = MosquittoClients.subscribe(MosquittoClients.options(plainPort),
                    "-t", "$SYS/#", "-v")) {
                assertNotNull(sys.awaitSubscribed(WAIT), sys::stderr);
                for (int i = 0; i < 3; i++) {
                    ProcessResult ok = MosquittoClients.publish(tls(tlsPort, pki).cert(dev1.certFile(), dev1.keyFile()),
                            "-t", "data/dev1", "-m", "21." + i, "-q", "1");
                    assertEquals(0, ok.exitCode(), ok::toString);
                }
                // No client certificate on a listener that requires one: refused at the handshake.
                ProcessResult refused = MosquittoClients.publish(tls(tlsPort, pki), "-t", "data/x", "-m", "x");
                assertTrue(refused.exitCode() != 0, refused::toString);
                broker.awaitLine("TLS handshake from .* refused: no client certificate", WAIT);

                List<String> seen = new ArrayList<>();
                awaitLine(sys, seen, "\\$SYS/broker/version midge version .*");
                awaitLine(sys, seen, "\\$SYS/broker/midge/tls/refusals/no_certificate 1");
                awaitLine(sys, seen, "\\$SYS/broker/midge/tls/handshakes [3-9]");
                awaitLine(sys, seen, "\\$SYS/broker/publish/messages/received [3-9]");
                awaitLine(sys, seen, "\\$SYS/broker/midge/crl/next_update [0-9]{10}");
                awaitLine(sys, seen, "\\$SYS/broker/midge/revocation/disconnects 0");
            }

            String metrics = curl("/metrics");
            assertTrue(metrics.startsWith("200 "), metrics);
            assertTrue(value(metrics, "midge_publish_received_total") >= 3, metrics);
            assertTrue(value(metrics, "midge_bytes_received_total") > 0, metrics);
            assertEquals(1, value(metrics, "midge_tls_refusals_total{reason=\"no_certificate\"}"), metrics);
            assertTrue(value(metrics, "midge_tls_handshakes_total") >= 3, metrics);
            assertTrue(value(metrics, "midge_tls_handshake_seconds_count") >= 4, metrics);
            assertEquals(nextUpdateOf(pki.crlFile()),
                    (long) value(metrics, "midge_crl_next_update"), metrics);
            // the $SYS subscriber left; nothing else is connected
            assertEquals(0, value(metrics, "midge_listener_connections{listener=\"127.0.0.1:" + plainPort + "\"}"),
                    metrics);
            assertTrue(value(metrics, "midge_retained_messages") > 40, "the $SYS tree is retained: " + metrics);
        }
    }

    @Test
    void metricsListenerThatCannotBeBoundStopsStartUp() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path conf = Files.writeString(work.resolve("taken.conf"), """
                    listener %d 127.0.0.1
                    midge_metrics_listener %d
                    """.formatted(Ports.freePort(), taken.getLocalPort()));
            BrokerProcess.Result result = BrokerProcess.run(work, "-c", conf.toString());
            assertEquals(1, result.exitCode(), result.output());
            assertTrue(result.output().contains("Cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()),
                    result.output());
        }
    }

    /** As {@code openssl crl -nextupdate} reads the file the broker serves from. */
    private static long nextUpdateOf(Path crlFile) throws Exception {
        try (var in = Files.newInputStream(crlFile)) {
            var crl = (java.security.cert.X509CRL) java.security.cert.CertificateFactory.getInstance("X.509").generateCRL(in);
            return crl.getNextUpdate().toInstant().getEpochSecond();
        }
    }

    private static MosquittoClients.Options tls(int port, TestPki pki) {
        return MosquittoClients.options(port).add("-h", "localhost").cafile(pki.caFile());
    }

    /** Status and body as the real curl sees them: "200 ok". */
    private String curl(String path) {
        ProcessResult r = MosquittoClients.run(List.of("curl", "-sS", "-w", "\n%{http_code}",
                "http://127.0.0.1:" + metricsPort + path), WAIT);
        assertEquals(0, r.exitCode(), r::toString);
        String out = r.stdout();
        int cut = out.lastIndexOf('\n');
        return out.substring(cut + 1) + " " + out.substring(0, cut).strip();
    }

    /** The test's metrics port, for {@link #curl}. */
    private int metricsPort;

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        if (!m.find()) {
            throw new AssertionError("no sample " + series + " in:\n" + metrics);
        }
        return Double.parseDouble(m.group(1));
    }

    private static void awaitLine(RunningSubscriber sub, List<String> seen, String regex) throws InterruptedException {
        if (seen.stream().anyMatch(l -> l.matches(regex))) {
            return;
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        String line;
        while (System.nanoTime() < deadline
                && (line = sub.awaitLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) != null) {
            seen.add(line);
            if (line.matches(regex)) {
                return;
            }
        }
        throw new AssertionError("no line " + regex + " within " + WAIT + "; got:\n" + String.join("\n", seen));
    }
}

package dev.midge.tls;

import dev.midge.testing.LogCapture;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenSSL cipher strings in {@code ciphers} decide what real TLS 1.2 clients can agree on. */
class CipherStringEndToEndTest {

    @TempDir
    static Path dir;
    static TestPki pki;

    private final LogCapture log = LogCapture.of("dev.midge");
    private final FileWatcher watcher = FileWatcher.start();
    private TlsListenerSecurity tls;
    private EmbeddedBroker broker;

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir);
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
        if (tls != null) {
            tls.close();
        }
        watcher.close();
        log.close();
    }

    private void start(Options options) throws Exception {
        tls = TlsListenerSecurity.create(options.build(), watcher);
        broker = EmbeddedBroker.start(listener -> listener.withSecurity(tls), o -> { });
    }

    /** Was: the keyword was dropped, no TLS 1.2 suite was left, and every TLS 1.2 client was refused. */
    @Test
    void mosquittoPubOverTls12AgreesOnASuiteOfAKeywordCipherString() throws Exception {
        start(Options.mutualTls(pki).tlsVersion("tlsv1.2").ciphers("ECDHE+AESGCM"));
        CompletableFuture<String> published = new CompletableFuture<>();
        broker.broker().addMessageObserver((client, topic, payload, qos, retain) -> {
            if (topic.equals("sensors/dev1")) {
                published.complete(client.username());
            }
        });
        IssuedCertificate dev1 = pki.device("dev1");

        // mosquitto_pub's --tls-version is a minimum; OpenSSL's own configuration caps it at TLS 1.2.
        Path tls12Only = Files.writeString(dir.resolve("openssl-tls12-only.cnf"), """
                openssl_conf = openssl_init
                [openssl_init]
                ssl_conf = ssl_sect
                [ssl_sect]
                system_default = tls12
                [tls12]
                MaxProtocol = TLSv1.2
                """);
        List<String> command = new ArrayList<>(List.of("env", "OPENSSL_CONF=" + tls12Only, "mosquitto_pub"));
        command.addAll(List.of(MosquittoClients.options(broker.port()).cafile(pki.caFile())
                .cert(dev1.certFile(), dev1.keyFile()).add("--tls-version", "tlsv1.2").args()));
        command.addAll(List.of("-t", "sensors/dev1", "-m", "21.5"));

        ProcessResult result = MosquittoClients.run(command, MosquittoClients.TIMEOUT);

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("dev1", published.orTimeout(10, TimeUnit.SECONDS).join());
    }

    @Test
    void exclusionsKeepTheExcludedSuitesOff() throws Exception {
        start(Options.mutualTls(pki).ciphers("HIGH:!SHA1:-kRSA:!AES128"));
        IssuedCertificate device = pki.device("dev2");
        String[] client = {"-tls1_2", "-CAfile", pki.caFile().toString(),
                "-cert", device.certFile().toString(), "-key", device.keyFile().toString()};

        OpenSsl.Result agreed = OpenSsl.sClient(port(), concat(client, "-cipher", "ECDHE-RSA-AES256-GCM-SHA384"));
        assertTrue(agreed.output().contains("Ciphersuite: ECDHE-RSA-AES256-GCM-SHA384"), agreed.output());
        for (String excluded : new String[]{"ECDHE-RSA-AES256-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256"}) {
            OpenSsl.Result refused = OpenSsl.sClient(port(), concat(client, "-cipher", excluded));
            assertFalse(refused.output().contains("CONNECTION ESTABLISHED"), excluded + ": " + refused.output());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> log.matching("refused", "no shared cipher").size() == 3);
    }

    private int port() {
        return broker.port();
    }

    private static String[] concat(String[] a, String... b) {
        String[] result = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}

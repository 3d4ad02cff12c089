package dev.midge.tls;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.MidgeBroker;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.security.TlsSecurity;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.JsseMaterial;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An embedder's JVM keeps no Midge thread once {@code MidgeBroker.close()} returns: the broker owns
 * the TLS listener security and the file watcher it was handed, and their threads end with it.
 */
class BrokerCloseTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private Set<Thread> before;

    @BeforeEach
    void setUp() {
        pki = TestPki.create(dir);
        pki.writeCrl();
        // Other test classes in this JVM may have left threads of their own behind.
        before = Thread.getAllStackTraces().keySet();
    }

    @Test
    void closeEndsTheTlsHandshakeAndFileWatcherThreadsItWasHanded() throws Exception {
        FileWatcher watcher = FileWatcher.start();
        TlsListenerSecurity tls = TlsListenerSecurity.create(
                Options.mutualTls(pki).crlfile(pki.crlFile()).build(), watcher);
        MidgeBroker broker = MidgeBroker.start(BrokerOptions.builder()
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1").withSecurity(tls))
                .fileWatcher(watcher)
                .build());

        publishOverTls(broker);
        broker.close();

        awaitNoMidgeThreadLeft();
    }

    @Test
    void embedderTlsFromAnSslContextAuthenticatesDevicesAndEndsItsThreadsOnClose() throws Exception {
        IssuedCertificate server = pki.server();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(JsseMaterial.keyManagers(server.privateKey(), server.certificate()).getKeyManagers(),
                JsseMaterial.trustManagers(pki.caCertificate()).getTrustManagers(), null);
        MidgeBroker broker = MidgeBroker.start(BrokerOptions.builder()
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1")
                        .withTls(TlsSecurity.of(context, true)))
                .build());

        publishOverTls(broker);
        broker.close();

        awaitNoMidgeThreadLeft();
    }

    /** A real mosquitto_pub handshake, so the handshake threads have run. */
    private void publishOverTls(MidgeBroker broker) {
        CompletableFuture<String> arrived = new CompletableFuture<>();
        broker.addMessageObserver((client, topic, payload, qos, retain) -> arrived.complete(topic));
        IssuedCertificate device = pki.device("dev1");
        ProcessResult result = MosquittoClients.publish(MosquittoClients.options(broker.port())
                .cafile(pki.caFile()).cert(device.certFile(), device.keyFile()), "-t", "sensors/dev1", "-m", "1");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("sensors/dev1", arrived.orTimeout(10, TimeUnit.SECONDS).join());
    }

    private void awaitNoMidgeThreadLeft() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(List.of(), midgeThreadsStartedHere()));
    }

    private List<String> midgeThreadsStartedHere() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName)
                .filter(name -> name.startsWith("midge-") || name.contains("handshake") || name.contains("watcher"))
                .sorted()
                .toList();
    }
}

package dev.midge.tls;

import dev.midge.testing.LogCapture;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.testing.Deadlines;
import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.JsseMaterial;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The real mosquitto clients against a real broker whose listener uses this module. */
class MosquittoEndToEndTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private final LogCapture log = LogCapture.of("dev.midge");
    private final FileWatcher watcher = FileWatcher.start();
    private TlsListenerSecurity tls;
    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        pki = TestPki.create(dir);
        pki.writeCrl();
        tls = TlsListenerSecurity.create(Options.mutualTls(pki).crlfile(pki.crlFile()).build(), watcher);
        broker = EmbeddedBroker.start(listener -> listener.withSecurity(tls), options -> { });
        tls.disconnectRevokedWith(broker.broker()::disconnectClients);
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
        tls.close();
        watcher.close();
        log.close();
    }

    private MosquittoClients.Options as(IssuedCertificate device) {
        return MosquittoClients.options(broker.port()).cafile(pki.caFile()).cert(device.certFile(), device.keyFile())
                .clientId(device.name() + "-client");
    }

    @Test
    void goodCertificatePublishesAsItsCommonName() {
        CompletableFuture<String> publisher = new CompletableFuture<>();
        broker.broker().addMessageObserver((client, topic, payload, qos, retain) -> {
            if (topic.equals("sensors/dev1")) {
                publisher.complete(client.username());
            }
        });
        IssuedCertificate dev1 = pki.device("dev1");
        ProcessResult result = MosquittoClients.publish(as(dev1).user("somebody-else"), "-t", "sensors/dev1", "-m", "21.5");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("dev1", publisher.orTimeout(5, TimeUnit.SECONDS).join());
    }

    @Test
    void revokedDeviceCannotConnectAndTheLogSaysWhy() {
        IssuedCertificate stolen = pki.device("stolen");
        pki.revoke(stolen);
        pki.writeCrl();
        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> log.matching("Reloaded TLS material").size() == 1);

        ProcessResult result = MosquittoClients.publish(as(stolen), "-t", "sensors/stolen", "-m", "x");
        assertNotEquals(0, result.exitCode(), result.toString());
        log.awaitOneLine("refused", "CN=stolen", "certificate revoked (keyCompromise");
    }

    @Test
    void revokedSubscriberIsDroppedWhenTheNewCrlIsRead() throws Exception {
        IssuedCertificate dev1 = pki.device("dev1");
        try (RunningSubscriber sub = MosquittoClients.subscribe(as(dev1), "-t", "alerts/#")) {
            assertNotNull(sub.awaitSubscribed(Duration.ofSeconds(10)), sub::toString);
            await().atMost(Duration.ofSeconds(2)).until(() -> broker.broker().connectedClients().stream()
                    .anyMatch(c -> "dev1".equals(c.username())));

            pki.revoke(dev1);
            pki.writeCrl();
            await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> broker.broker()
                    .connectedClients().stream().noneMatch(c -> "dev1".equals(c.username())));
            log.awaitOneLine("Disconnecting", "dev1-client", "CN=dev1", "serial 0x" + dev1.serial().toString(16),
                    "keyCompromise");
        }
    }

    @Test
    void subscriberIsDroppedWhenTheRootCrlRevokesItsIssuingCa() throws Exception {
        IssuedCertificate edge = pki.deviceViaIntermediate("edge1");
        pki.writeCrl();   // now with the intermediate's CRL, which the device's own check needs
        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> log.matching("Reloaded TLS material").size() == 1);
        MosquittoClients.Options options = MosquittoClients.options(broker.port()).cafile(pki.caFile())
                .cert(edge.chainFile(), edge.keyFile()).clientId("edge1-client");
        try (RunningSubscriber sub = MosquittoClients.subscribe(options, "-t", "alerts/#")) {
            assertNotNull(sub.awaitSubscribed(Duration.ofSeconds(10)), sub::toString);

            pki.revokeIntermediateCa();
            pki.writeCrl();
            await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> broker.broker()
                    .connectedClients().stream().noneMatch(c -> "edge1".equals(c.username())));
            log.awaitOneLine("Disconnecting", "edge1-client", "CN=edge1", "serial 0x" + edge.serial().toString(16),
                    "issuing CA CN=Midge Test Intermediate CA,O=Midge Test serial 0x"
                            + pki.intermediateCaCertificate().getSerialNumber().toString(16) + " is revoked (keyCompromise");
        }
    }

    @Test
    void clientIdWithANewlineIsRefusedOverMutualTlsAndCannotForgeALine() throws Exception {
        // mosquitto's and Paho's clients refuse such an id; HiveMQ's sends it. The broker refuses
        // it at CONNECT (a control character could also make two stored sessions share rows), and
        // the refusal line shows the id escaped.
        IssuedCertificate dev2 = pki.device("dev2");
        com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient client = com.hivemq.client.mqtt.MqttClient.builder()
                .useMqttVersion3().identifier("dev2\nINFO all clients trusted")
                .serverHost(EmbeddedBroker.HOST).serverPort(broker.port())
                .sslConfig().keyManagerFactory(JsseMaterial.keyManagers(dev2.privateKey(), dev2.certificate()))
                .trustManagerFactory(JsseMaterial.trustManagers(pki.caCertificate())).applySslConfig()
                .buildBlocking();

        com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException refused = org.junit.jupiter.api.Assertions
                .assertThrows(com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException.class, client::connect);

        assertTrue(refused.getMqttMessage().getReturnCode().toString().contains("IDENTIFIER_REJECTED"),
                refused.getMqttMessage().toString());
        String line = log.awaitOneLine("client id contains a control character");
        assertTrue(line.contains("dev2\\nINFO all clients trusted"), line);
        assertFalse(line.contains("\n"), line);
    }
}

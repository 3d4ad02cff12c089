package dev.midge.tls;

import dev.midge.testing.LogCapture;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.testing.Deadlines;
import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.JsseMaterial;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** MQTT over secure WebSockets ({@code protocol websockets} with TLS options), with a real client. */
class WebSocketsOverTlsTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private final FileWatcher watcher = FileWatcher.start();
    private final LogCapture log = LogCapture.of("dev.midge");
    private TlsListenerSecurity tls;
    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        pki = TestPki.create(dir);
        pki.writeCrl();
        tls = TlsListenerSecurity.create(Options.mutualTls(pki).crlfile(pki.crlFile()).build(), watcher);
        broker = EmbeddedBroker.start(listener -> listener.withSecurity(tls)
                .withProtocol(ListenerOptions.Protocol.WEBSOCKETS), options -> { });
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

    @Test
    void clientCertificateOverSecureWebSocketsPublishesAsItsCommonName() throws Exception {
        CompletableFuture<String> publisher = new CompletableFuture<>();
        broker.broker().addMessageObserver((client, topic, payload, qos, retain) -> {
            if (topic.equals("sensors/ws1")) {
                publisher.complete(client.username());
            }
        });
        Mqtt5BlockingClient reader = client(pki.device("reader"));
        Mqtt5BlockingClient writer = client(pki.device("ws1"));
        try {
            reader.connect();
            writer.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = reader.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
                reader.subscribeWith().topicFilter("sensors/#").qos(MqttQos.AT_LEAST_ONCE).send();
                writer.publishWith().topic("sensors/ws1").qos(MqttQos.AT_LEAST_ONCE)
                        .payload("21.5".getBytes(StandardCharsets.UTF_8)).send();

                Mqtt5Publish received = publishes.receive(10, TimeUnit.SECONDS).orElseThrow();
                assertEquals("sensors/ws1", received.getTopic().toString());
                assertEquals("21.5", new String(received.getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            assertEquals("ws1", publisher.orTimeout(5, TimeUnit.SECONDS).join());
        } finally {
            writer.disconnect();
            reader.disconnect();
        }
    }

    @Test
    void revokedCertificateIsRefusedOverSecureWebSockets() {
        IssuedCertificate stolen = pki.device("stolen-ws");
        pki.revoke(stolen);
        pki.writeCrl();
        tls.reload();
        assertThrows(RuntimeException.class, () -> client(stolen).connect());
        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> !log.matching("refused", "revoked").isEmpty());
    }

    private Mqtt5BlockingClient client(IssuedCertificate device) throws Exception {
        KeyManagerFactory keyManagers = JsseMaterial.keyManagers(device.privateKey(), device.certificate());
        TrustManagerFactory trustManagers = JsseMaterial.trustManagers(pki.caCertificate());
        return MqttClient.builder().useMqttVersion5()
                .identifier(device.name() + "-ws")
                .serverHost(EmbeddedBroker.HOST).serverPort(broker.port())
                .sslConfig().keyManagerFactory(keyManagers).trustManagerFactory(trustManagers).applySslConfig()
                .webSocketConfig().serverPath("mqtt").subprotocol("mqtt").applyWebSocketConfig()
                .buildBlocking();
    }
}

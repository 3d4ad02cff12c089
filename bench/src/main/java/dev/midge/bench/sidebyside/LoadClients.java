package dev.midge.bench.sidebyside;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** HiveMQ MQTT 3.1.1 clients to 127.0.0.1 (plain TCP, or mutual TLS with the device certificate), connected and closed as a group. */
final class LoadClients implements AutoCloseable {

    private final List<Mqtt3AsyncClient> clients = new ArrayList<>();
    private final int port;
    /** Null for plain TCP; else every client presents the device certificate. */
    private final BenchPki pki;

    LoadClients(int port) {
        this(port, null);
    }

    LoadClients(int port, BenchPki pki) {
        this.port = port;
        this.pki = pki;
    }

    Mqtt3AsyncClient connect(String clientId) {
        var builder = MqttClient.builder().useMqttVersion3()
                .identifier(clientId).serverHost("127.0.0.1").serverPort(port);
        if (pki != null) {
            builder = builder.sslConfig(com.hivemq.client.mqtt.MqttClientSslConfig.builder()
                    .keyManagerFactory(pki.deviceKeyManagers()).trustManagerFactory(pki.caTrustManagers()).build());
        }
        Mqtt3AsyncClient client = builder.buildAsync();
        client.connectWith().cleanSession(true).keepAlive(60).send().orTimeout(30, TimeUnit.SECONDS).join();
        clients.add(client);
        return client;
    }

    static MqttQos qos(int level) {
        return MqttQos.fromCode(level);
    }

    @Override
    public void close() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Mqtt3AsyncClient client : clients) {
            closing.add(client.disconnect().exceptionally(e -> null));
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
        clients.clear();
    }
}

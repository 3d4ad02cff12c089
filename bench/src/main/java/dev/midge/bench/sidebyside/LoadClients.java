package dev.midge.bench.sidebyside;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** HiveMQ MQTT 3.1.1 clients on plain TCP to 127.0.0.1, connected and closed as a group. */
final class LoadClients implements AutoCloseable {

    private final List<Mqtt3AsyncClient> clients = new ArrayList<>();
    private final int port;

    LoadClients(int port) {
        this.port = port;
    }

    Mqtt3AsyncClient connect(String clientId) {
        Mqtt3AsyncClient client = MqttClient.builder().useMqttVersion3()
                .identifier(clientId).serverHost("127.0.0.1").serverPort(port).buildAsync();
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

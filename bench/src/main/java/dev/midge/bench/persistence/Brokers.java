package dev.midge.bench.persistence;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.MidgeBroker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The one broker configuration every run uses (only persistence differs) and the clients that talk to it. */
final class Brokers {

    static final String HOST = "127.0.0.1";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private Brokers() {
    }

    /** Defaults throughout (20 in flight, 1000 queued per client, oldest dropped first); store in {@code dir} or none. */
    static BrokerOptions options(Path dir) {
        return BrokerOptions.builder()
                .listener(ListenerOptions.plain(0).withBindAddress(HOST))
                .persistence(dir)
                .build();
    }

    /** MQTT 3.1.1 publisher: no Receive Maximum, so the broker's commit batching, not the protocol, limits it. */
    static Mqtt3AsyncClient publisher(int port, String id) throws Exception {
        Mqtt3AsyncClient client = MqttClient.builder().useMqttVersion3().identifier(id)
                .serverHost(HOST).serverPort(port).buildAsync();
        client.connectWith().cleanSession(true).send().get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return client;
    }

    static Mqtt5AsyncClient v5(int port, String id) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost(HOST).serverPort(port).buildAsync();
    }

    /** Waits (bounded) until the broker no longer lists the client: its session is then offline. */
    static void awaitOffline(MidgeBroker broker, String clientId) throws InterruptedException {
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        while (broker.connectedClients().stream().anyMatch(c -> clientId.equals(c.clientId()))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(clientId + " is still connected after " + CONNECT_TIMEOUT);
            }
            Thread.sleep(10); // polling a benchmark's set-up, not synchronising a test
        }
    }
}

package dev.midge.bench.persistence;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import dev.midge.bench.WindowedPublishers;
import dev.midge.broker.MidgeBroker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * QoS 1 publishes PUBACKed per second: P publishers (MQTT 3.1.1, a window of unacknowledged
 * messages each, 64-byte payload) to {@code bench/t/P}, read by one subscriber to {@code bench/t/+}
 * that is either a persistent session gone offline (so with a store every message is committed
 * and synced before its PUBACK) or an online clean session (nothing durable: the control).
 */
final class PublishThroughput {

    enum Reader { OFFLINE_PERSISTENT_SESSION, ONLINE_CLEAN_SESSION }

    private static final int PAYLOAD_BYTES = 64;
    private static final String FILTER = "bench/t/+";

    /** @param delivered messages the online subscriber received per second (0 for the offline one) */
    record Result(double pubackedPerSecond, double deliveredPerSecond, long failed, String firstFailure) {
    }

    private PublishThroughput() {
    }

    static Result run(boolean persistence, Reader reader, int publishers, Duration warmup, Duration measure)
            throws Exception {
        Path dir = persistence ? Files.createTempDirectory("midge-persist-bench") : null;
        try (MidgeBroker broker = MidgeBroker.start(Brokers.options(dir))) {
            int port = broker.port();
            LongAdder delivered = new LongAdder();
            Mqtt5AsyncClient subscriber = subscribe(broker, reader, delivered);
            List<Mqtt3AsyncClient> clients = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                clients.add(Brokers.publisher(port, "pub-" + p));
            }
            Result result;
            try (WindowedPublishers load = new WindowedPublishers(clients, MqttQos.AT_LEAST_ONCE,
                    new byte[PAYLOAD_BYTES], Duration.ofSeconds(30))) {
                WindowedPublishers.Rates rates = load.measure(warmup, measure, delivered);
                result = new Result(rates.publishedPerSecond(), rates.deliveredPerSecond(), load.failed(), load.firstFailure());
            }
            for (Mqtt3AsyncClient c : clients) {
                c.disconnect().get(10, TimeUnit.SECONDS);
            }
            if (subscriber != null) {
                subscriber.disconnect().get(10, TimeUnit.SECONDS);
            }
            return result;
        } finally {
            if (dir != null) {
                Files.deleteIfExists(dir.resolve("midge.mv.db"));
                Files.deleteIfExists(dir);
            }
        }
    }

    /** Returns the online subscriber to disconnect later, or null when the session was left offline. */
    private static Mqtt5AsyncClient subscribe(MidgeBroker broker, Reader reader, LongAdder delivered) throws Exception {
        boolean offline = reader == Reader.OFFLINE_PERSISTENT_SESSION;
        String id = offline ? "offline-sub" : "online-sub";
        Mqtt5AsyncClient client = Brokers.v5(broker.port(), id);
        long timeout = Brokers.CONNECT_TIMEOUT.toSeconds();
        client.connectWith().cleanStart(true).sessionExpiryInterval(offline ? 3600 : 0).send().get(timeout, TimeUnit.SECONDS);
        client.subscribeWith().topicFilter(FILTER).qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> delivered.increment()).send().get(timeout, TimeUnit.SECONDS);
        if (!offline) {
            return client;
        }
        client.disconnect().get(timeout, TimeUnit.SECONDS);
        Brokers.awaitOffline(broker, id);
        return null;
    }
}

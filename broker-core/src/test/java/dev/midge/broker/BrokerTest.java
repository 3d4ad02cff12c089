package dev.midge.broker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Base of the tests that run a real broker on a free port and talk to it with real clients.
 * Closes what each test opened, and fails the class if Netty reported a leaked buffer.
 */
public abstract class BrokerTest {

    static {
        LeakRecorder.install();
    }

    protected MidgeBroker broker;
    private final List<Runnable> cleanups = new ArrayList<>();

    protected MidgeBroker start() throws InterruptedException {
        return start(b -> { });
    }

    protected MidgeBroker start(Consumer<BrokerOptions.Builder> options) throws InterruptedException {
        BrokerOptions.Builder b = BrokerOptions.builder().listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1"));
        options.accept(b);
        broker = MidgeBroker.start(b.build());
        return broker;
    }

    protected Mqtt5BlockingClient v5(String clientId) {
        Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        cleanups.add(() -> {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        });
        return c;
    }

    protected Mqtt3BlockingClient v3(String clientId) {
        Mqtt3BlockingClient c = MqttClient.builder().useMqttVersion3().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        cleanups.add(() -> {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        });
        return c;
    }

    /** Waits until the broker, not just the client, has seen the client go. */
    protected void awaitGone(String clientId) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() ->
                broker.connectedClients().stream().noneMatch(c -> c.clientId().equals(clientId)));
    }

    @AfterEach
    void closeEverything() {
        for (Runnable r : cleanups) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // the test may have closed it already
            }
        }
        cleanups.clear();
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    @AfterAll
    static void noBufferLeaked() {
        assertEquals(List.of(), LeakRecorder.collect(), "Netty reported leaked buffers");
    }
}

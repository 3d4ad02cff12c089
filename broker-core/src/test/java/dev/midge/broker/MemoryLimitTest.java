package dev.midge.broker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mosquitto's {@code memory_limit}: once the broker holds more message bytes than the limit, a PUBLISH is
 * dropped and its publisher disconnected (v5: DISCONNECT 0x97 Quota exceeded; 3.1.1: closed); once the
 * subscriber that let them pile up takes them, publishing works again.
 */
class MemoryLimitTest extends BrokerTest {

    private static final int LIMIT = 64 * 1024;
    private static final byte[] PAYLOAD = new byte[4096];
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void publishersAreDisconnectedWhileTheBrokerHoldsMoreThanTheLimitAndAcceptedAgainOnceItDrains() throws Exception {
        start(b -> b.delivery(DeliveryOptions.defaults().withMemoryLimit(LIMIT)));
        // A persistent subscriber that is away: what is published to it waits in the broker.
        Mqtt5BlockingClient sub = v5("sub");
        sub.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
        sub.subscribeWith().topicFilter("load/#").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        awaitGone("sub");

        AtomicReference<Throwable> why = new AtomicReference<>();
        Mqtt5BlockingClient pub = MqttClient.builder().useMqttVersion5().identifier("pub")
                .serverHost("127.0.0.1").serverPort(broker.port())
                .addDisconnectedListener(context -> why.set(context.getCause())).buildBlocking();
        pub.connect();
        int accepted = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                pub.publishWith().topic("load/" + accepted).qos(MqttQos.AT_LEAST_ONCE).payload(PAYLOAD).send();
                accepted++;
            } catch (RuntimeException refused) {
                break;
            }
        }
        assertTrue(why.get() instanceof Mqtt5DisconnectException, "disconnected by the broker: " + why.get());
        assertEquals(Mqtt5DisconnectReasonCode.QUOTA_EXCEEDED,
                ((Mqtt5DisconnectException) why.get()).getMqttMessage().getReasonCode());
        assertTrue(accepted * PAYLOAD.length > LIMIT, "refused only past the limit, after " + accepted);

        // 3.1.1 has no reason code: the connection is closed, so mosquitto_pub fails.
        ProcessResult v311 = MosquittoClients.publish(MosquittoClients.options(broker.port()).qos(1),
                "-t", "load/v311", "-m", "dropped");
        assertNotEquals(0, v311.exitCode(), v311.toString());

        try (Mqtt5BlockingClient.Mqtt5Publishes received = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            for (int i = 0; i < accepted; i++) {
                Optional<Mqtt5Publish> m = received.receive(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(m.isPresent(), "queued message " + i + " of " + accepted);
                assertEquals("load/" + i, m.get().getTopic().toString());
            }
            // Drained: within the recount period a publisher gets in again.
            publishMarkerOnceAccepted();
            Optional<Mqtt5Publish> marker = received.receive(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(marker.isPresent());
            assertEquals("load/marker", marker.get().getTopic().toString());
            assertEquals("marker", new String(marker.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
        }
    }

    private void publishMarkerOnceAccepted() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int attempt = 0; ; attempt++) {
            Mqtt5BlockingClient marker = v5("marker-" + attempt);
            try {
                marker.connect();
                marker.publishWith().topic("load/marker").qos(MqttQos.AT_LEAST_ONCE)
                        .payload("marker".getBytes(StandardCharsets.UTF_8)).send();
                marker.disconnect();
                return;
            } catch (RuntimeException stillOver) {
                if (System.nanoTime() > deadline) {
                    throw stillOver;
                }
            }
        }
    }
}

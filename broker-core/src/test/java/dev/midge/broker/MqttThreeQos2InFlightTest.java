package dev.midge.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Receive Maximum is MQTT 5 only: a 3.1.1 client with more QoS 2 messages in flight than
 * max_inflight_messages is served, not disconnected (mosquitto does not disconnect it either).
 */
class MqttThreeQos2InFlightTest extends BrokerTest {

    private static final int MESSAGES = 300;

    @Test
    void pahoWithHundredQos2InFlightCompletesEveryMessage() throws Exception {
        start(b -> b.maxInflightMessages(20));
        Mqtt3BlockingClient subscriber = v3("counter");
        subscriber.connect();
        var inbox = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.subscribeWith().topicFilter("q2/#").qos(MqttQos.EXACTLY_ONCE).send();

        MqttAsyncClient paho = new MqttAsyncClient("tcp://127.0.0.1:" + broker.port(), "paho311", new MemoryPersistence());
        List<Throwable> lost = new CopyOnWriteArrayList<>();
        paho.setCallback(new MqttCallback() {
            @Override public void connectionLost(Throwable cause) { lost.add(cause); }
            @Override public void messageArrived(String topic, MqttMessage message) { }
            @Override public void deliveryComplete(IMqttDeliveryToken token) { }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setMaxInflight(100);
        options.setAutomaticReconnect(false);
        paho.connect(options).waitForCompletion(5000);
        try {
            List<IMqttDeliveryToken> tokens = new CopyOnWriteArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                // Paho refuses a publish past its own window of 100; wait for the oldest then.
                while (paho.getPendingDeliveryTokens().length >= 100 && lost.isEmpty()) {
                    tokens.get(tokens.size() - 100).waitForCompletion(5000);
                }
                assertEquals(List.of(), lost, "the broker disconnected the 3.1.1 client");
                tokens.add(paho.publish("q2/" + i, ("m" + i).getBytes(StandardCharsets.UTF_8), 2, false));
            }
            for (IMqttDeliveryToken t : tokens) {
                t.waitForCompletion(10_000);
            }
            assertEquals(List.of(), lost, "the broker disconnected the 3.1.1 client");
            assertTrue(tokens.stream().allMatch(IMqttDeliveryToken::isComplete));

            Set<String> received = new HashSet<>();
            for (int i = 0; i < MESSAGES; i++) {
                received.add(inbox.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString());
            }
            assertEquals(MESSAGES, received.size());
        } finally {
            if (paho.isConnected()) {
                paho.disconnect().waitForCompletion(5000);
            }
            paho.close();
        }
    }
}

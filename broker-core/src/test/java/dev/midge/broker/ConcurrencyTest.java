package dev.midge.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConcurrencyTest extends BrokerTest {

    @Test
    void manyPublishersOnManyEventLoopsDeliverEveryQos1MessageExactlyOnceToASmallWindow() throws Exception {
        start(b -> b.maxInflightMessages(5));
        Mqtt5BlockingClient sub = v5("sink");
        sub.connectWith().restrictions().receiveMaximum(3).applyRestrictions().send();
        var inbox = sub.publishes(MqttGlobalPublishFilter.ALL);
        sub.subscribeWith().topicFilter("load/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Marker.subscribe(sub);

        int publishers = 4;
        int each = 200;
        CompletableFuture<?>[] done = new CompletableFuture<?>[publishers];
        for (int p = 0; p < publishers; p++) {
            Mqtt5BlockingClient pub = v5("pub" + p);
            pub.connect();
            int id = p;
            done[p] = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < each; i++) {
                    pub.publishWith().topic("load/" + id).qos(MqttQos.AT_LEAST_ONCE)
                            .payload((id + ":" + i).getBytes(StandardCharsets.UTF_8)).send();
                }
            });
        }
        CompletableFuture.allOf(done).get(60, TimeUnit.SECONDS);
        Set<String> received = new HashSet<>();
        for (int i = 0; i < publishers * each; i++) {
            String payload = new String(inbox.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes(),
                    StandardCharsets.UTF_8);
            assertTrue(received.add(payload), "duplicate " + payload);
        }
        assertEquals(publishers * each, received.size());
        Marker.assertNext(broker, inbox); // every publisher had its PUBACK: a duplicate would come before this
    }
}

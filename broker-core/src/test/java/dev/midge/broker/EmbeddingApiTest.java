package dev.midge.broker;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddingApiTest extends BrokerTest {

    @Test
    void everyListenerIsBoundOnStartAndReportedInOrder() throws Exception {
        broker = MidgeBroker.start(BrokerOptions.builder()
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1"))
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1")
                        .withProtocol(ListenerOptions.Protocol.WEBSOCKETS))
                .build());
        assertEquals(2, broker.listenerAddresses().size());
        assertNotEquals(0, broker.listenerAddresses().get(1).getPort());
        assertEquals(broker.listenerAddresses().get(0).getPort(), broker.port());
    }

    @Test
    void portInUseFailsStartWithABindException() throws Exception {
        start();
        RuntimeException e = assertThrows(RuntimeException.class, () -> MidgeBroker.start(BrokerOptions.builder()
                .listener(ListenerOptions.plain(broker.port()).withBindAddress("127.0.0.1")).build()));
        boolean bind = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            bind |= t instanceof BindException;
        }
        assertTrue(bind, "cause chain has a BindException: " + e);
    }

    @Test
    void applicationPublishReachesSubscribersAndClosingReleasesTheBroker() throws Exception {
        start();
        Mqtt3BlockingClient c = v3("app-listener");
        c.connect();
        var inbox = c.publishes(MqttGlobalPublishFilter.ALL);
        c.subscribeWith().topicFilter("app").send();
        broker.publish("app", "from the app".getBytes(StandardCharsets.UTF_8), 0, false);
        assertEquals("from the app", new String(inbox.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes(),
                StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> broker.publish("a/#", new byte[0], 0, false));

        int port = broker.port();
        broker.close();
        broker = null;
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> !c.getState().isConnected());
        // The port is free again: a new broker can bind it.
        broker = MidgeBroker.start(BrokerOptions.builder()
                .listener(ListenerOptions.plain(port).withBindAddress("127.0.0.1")).build());
        assertEquals(port, broker.port());
    }
}

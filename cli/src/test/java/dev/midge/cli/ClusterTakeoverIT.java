package dev.midge.cli;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.midge.pki.store.Pem;
import dev.midge.testing.JsseMaterial;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The instant of a takeover between two live nodes: a persistent QoS 1 subscriber is taken over
 * back and forth between nodes 2 and 3 while a publisher on node 1 streams QoS 1 messages, and
 * every message node 1 PUBACKed reaches the client (twice is allowed for QoS 1), the marker last;
 * and a QoS 2 PUBLISH resent to the new node after a takeover is routed once. Real broker.jar
 * JVMs, HiveMQ's MQTT 5 client and a raw MQTT 3.1.1 client over mutual TLS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
@org.junit.jupiter.api.Timeout(value = 6, unit = TimeUnit.MINUTES)
class ClusterTakeoverIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final int TAKEOVERS = 6;

    @TempDir
    static Path work;

    private ThreeNodeCluster cluster;
    private TrustManagerFactory trust;

    @BeforeAll
    void startThreeNodes() throws Exception {
        cluster = ThreeNodeCluster.start(work, List.of("pub1", "sub2"), false, STARTUP);
        trust = JsseMaterial.trustManagers(Pem.readCertificates(work.resolve("certs/ca.crt")).toArray(X509Certificate[]::new));
    }

    @AfterAll
    void stopNodes() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void noPubackedMessageIsLostWhileASubscriberIsTakenOverBetweenLiveNodes() throws Exception {
        Map<String, Integer> received = new ConcurrentHashMap<>();
        Mqtt5AsyncClient subscriber = connectSubscriber(1, received, true);
        subscriber.subscribeWith().topicFilter("fleet/stream/#").qos(MqttQos.AT_LEAST_ONCE).send()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        awaitRouted(0, "fleet/stream/probe", received);

        QosOnePublisher publisher = new QosOnePublisher();
        Thread publishing = new Thread(publisher, "stream-publisher");
        publishing.setDaemon(true);
        publishing.start();
        try {
            publisher.awaitAcked(50);
            for (int round = 0; round < TAKEOVERS; round++) {
                // 2 → 3 → 2 → ...: each CONNECT takes the live session from the other node.
                subscriber = connectSubscriber(round % 2 == 0 ? 2 : 1, received, false);
                publisher.awaitAcked(publisher.acked.size() + 50);
            }
        } finally {
            publisher.stop = true;
            publishing.join(WAIT.toMillis());
        }

        Mqtt5BlockingClient marker = client(0, "pub1", "stream-marker").buildBlocking();
        marker.connect();
        marker.publishWith().topic("fleet/stream/t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
        marker.disconnect();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> received.containsKey("marker"));

        List<Integer> missing = publisher.acked.stream().filter(n -> !received.containsKey("m-" + n)).sorted().toList();
        long duplicates = received.values().stream().filter(c -> c > 1).count();
        System.out.println("Takeovers under QoS 1: " + TAKEOVERS + " takeovers, " + publisher.acked.size()
                + " PUBACKed, " + publisher.unacknowledged + " not acknowledged, " + duplicates + " received twice (QoS 1 allows), " + missing.size() + " lost");
        assertEquals(List.of(), missing, "every PUBACKed message reaches the subscriber across live takeovers");
        subscriber.disconnectWith().sessionExpiryInterval(0).send().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void aQos2PublishResentToTheNewNodeAfterATakeoverIsRoutedOnce() throws Exception {
        Map<String, Integer> received = new ConcurrentHashMap<>();
        Mqtt5AsyncClient watcher = client(2, "sub2", "once-watcher").buildAsync();
        watcher.publishes(MqttGlobalPublishFilter.ALL, p -> received.merge(text(p), 1, Integer::sum));
        watcher.connectWith().cleanStart(true).send().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        watcher.subscribeWith().topicFilter("fleet/once/#").qos(MqttQos.EXACTLY_ONCE).send()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        awaitRouted(0, "fleet/once/probe", received);
        awaitRouted(1, "fleet/once/probe", received);

        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(keys("pub1").getKeyManagers(), trust.getTrustManagers(), null);
        byte[] payload = bytes("exactly-once");
        try (RawMqttClient first = RawMqttClient.connect(tls, cluster.mqttPorts[0], "once-publisher", WAIT)) {
            first.publishQos2(7, "fleet/once/t", payload, false);
            RawMqttClient.Packet rec = first.read();
            assertEquals(RawMqttClient.PUBREC, rec.type());
            assertEquals(7, rec.packetId());
            // No PUBREL: the client moves to node 2 and, as MQTT §4.4 asks, sends the PUBLISH again with DUP.
            try (RawMqttClient second = RawMqttClient.connect(tls, cluster.mqttPorts[1], "once-publisher", WAIT)) {
                assertTrue(second.sessionPresent(), "node 2 continues the session of node 1");
                second.publishQos2(7, "fleet/once/t", payload, true);
                RawMqttClient.Packet again = second.read();
                assertEquals(RawMqttClient.PUBREC, again.type());
                second.pubrel(7);
                RawMqttClient.Packet comp = second.read();
                assertEquals(RawMqttClient.PUBCOMP, comp.type());
                assertEquals(7, comp.packetId());
            }
        }
        // Published on node 2 after the resent PUBLISH was answered: it reaches node 3 behind any second copy.
        Mqtt5BlockingClient marker = client(1, "pub1", "once-marker").buildBlocking();
        marker.connect();
        marker.publishWith().topic("fleet/once/marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
        marker.disconnect();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> received.containsKey("marker"));
        assertEquals(1, received.getOrDefault("exactly-once", 0), "the QoS 2 message is routed once across the takeover");
        watcher.disconnect().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    @org.junit.jupiter.api.Order(3) // kills node 1: last
    void aDelayedWillPendingOnANodeKilledMeanwhileIsSentOnceByTheSurvivor() throws Exception {
        Map<String, Integer> received = new ConcurrentHashMap<>();
        Mqtt5AsyncClient watcher = client(2, "sub2", "late-watcher").buildAsync();
        watcher.publishes(MqttGlobalPublishFilter.ALL, p -> received.merge(text(p), 1, Integer::sum));
        watcher.connectWith().cleanStart(true).send().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        watcher.subscribeWith().topicFilter("fleet/late/#").qos(MqttQos.AT_LEAST_ONCE).send()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        awaitRouted(1, "fleet/late/probe", received); // node 2 may be the survivor that sends it

        Mqtt5BlockingClient late = client(0, "pub1", "late-will").buildBlocking();
        late.connectWith().cleanStart(true).sessionExpiryInterval(600).willPublish().topic("fleet/late/will")
                .payload(bytes("late will")).qos(MqttQos.AT_LEAST_ONCE).delayInterval(5).applyWillPublish().send();
        late.disconnectWith().reasonCode(
                com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
        cluster.nodes.get(0).awaitLine("Will of client late-will .* waits 5 s", WAIT);
        cluster.nodes.get(0).crash(); // before the delay is over
        cluster.nodes.get(1).awaitLine("Cluster members now \\[[^]]*\\]; gone: \\[node-1\\]", WAIT);

        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> received.containsKey("late will"));
        Mqtt5BlockingClient marker = client(1, "pub1", "late-marker").buildBlocking();
        marker.connect();
        marker.publishWith().topic("fleet/late/marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
        marker.disconnect();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> received.containsKey("marker"));
        assertEquals(1, received.get("late will"), "the delayed will goes out once, from one survivor");
        watcher.disconnect().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Connects client id "streamer" on the node, counting each payload it receives (acknowledged by the client). */
    private Mqtt5AsyncClient connectSubscriber(int node, Map<String, Integer> received, boolean cleanStart)
            throws Exception {
        Mqtt5AsyncClient c = client(node, "sub2", "streamer").buildAsync();
        c.publishes(MqttGlobalPublishFilter.ALL, p -> received.merge(text(p), 1, Integer::sum));
        boolean present = c.connectWith().cleanStart(cleanStart).sessionExpiryInterval(600).send()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS).isSessionPresent();
        assertEquals(!cleanStart, present, "the session moves with its client");
        return c;
    }

    /** Publishes probes on {@code node} until one arrives: the subscriber's route is known there. */
    private void awaitRouted(int node, String topic, Map<String, Integer> received) throws Exception {
        received.remove("probe");
        Mqtt5BlockingClient prober = client(node, "pub1", "prober-" + node).buildBlocking();
        prober.connect();
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!received.containsKey("probe") && System.nanoTime() < deadline) {
                prober.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("probe")).send();
                try {
                    org.awaitility.Awaitility.await().atMost(Duration.ofMillis(200)).pollInterval(Duration.ofMillis(10))
                            .until(() -> received.containsKey("probe"));
                } catch (org.awaitility.core.ConditionTimeoutException notYet) {
                    // the route is not there yet: probe again
                }
            }
        } finally {
            prober.disconnect();
        }
        assertTrue(received.containsKey("probe"), "routes never reached node " + (node + 1));
    }

    /** Publishes m-1, m-2, ... at QoS 1 on node 1 and records which were PUBACKed; reconnects when cut off. */
    private final class QosOnePublisher implements Runnable {
        final Set<Integer> acked = ConcurrentHashMap.newKeySet();
        volatile boolean stop;
        volatile int unacknowledged;

        @Override
        public void run() {
            int n = 0;
            Mqtt5BlockingClient c = null;
            while (!stop) {
                try {
                    if (c == null || !c.getState().isConnected()) {
                        c = client(0, "pub1", "stream-publisher").buildBlocking();
                        c.connect();
                    }
                    n++;
                    c.publishWith().topic("fleet/stream/t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m-" + n)).send();
                    acked.add(n);
                } catch (Exception e) {
                    unacknowledged++; // not PUBACKed: not counted; the next one goes on a new connection
                }
            }
            if (c != null && c.getState().isConnected()) {
                c.disconnect();
            }
        }

        void awaitAcked(int count) {
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> acked.size() >= count || stop);
            assertTrue(acked.size() >= count, "only " + acked.size() + " PUBACKs of " + count);
        }
    }

    private Mqtt5ClientBuilder client(int node, String device, String clientId) throws Exception {
        return MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(cluster.mqttPorts[node]).sslConfig().keyManagerFactory(keys(device)).trustManagerFactory(trust)
                .applySslConfig();
    }

    private KeyManagerFactory keys(String device) throws Exception {
        return JsseMaterial.keyManagers(Pem.readPrivateKey(work.resolve("certs/" + device + ".key")),
                Pem.readCertificates(work.resolve("certs/" + device + ".crt")).toArray(X509Certificate[]::new));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }
}

package dev.midge.cli;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.midge.pki.store.Pem;
import dev.midge.testing.JsseMaterial;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client sessions across three broker.jar nodes: a persistent session follows its client to
 * another node (taken over from a live connection too, with MQTT 5's 0x8E), and a node's SIGKILL
 * loses neither the sessions of its clients nor their wills. Real JVMs, HiveMQ's MQTT 5 client
 * over mutual TLS; the node that is killed is the last test's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@org.junit.jupiter.api.Timeout(value = 8, unit = TimeUnit.MINUTES) // a blocking publish never answered must not hang CI
class ClusterSessionsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Three JVMs starting Infinispan at once on a shared 2-core host can take minutes. */
    private static final Duration STARTUP = Duration.ofMinutes(3);

    @TempDir
    static Path work;

    private ThreeNodeCluster cluster;
    private TrustManagerFactory trust;

    @BeforeAll
    void startThreeNodes() throws Exception {
        cluster = ThreeNodeCluster.start(work, List.of("pub1", "sub2", "sub3", "dying"), false, STARTUP);
        trust = JsseMaterial.trustManagers(Pem.readCertificates(work.resolve("certs/ca.crt")).toArray(X509Certificate[]::new));
    }

    @AfterAll
    void stopNodes() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aPersistentSessionFollowsItsClientToAnotherNode() throws Exception {
        Mqtt5BlockingClient first = client(0, "sub2", "keeper").buildBlocking();
        first.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        first.subscribeWith().topicFilter("fleet/take/#").qos(MqttQos.AT_LEAST_ONCE).send();
        try (Mqtt5BlockingClient.Mqtt5Publishes inbox = first.publishes(MqttGlobalPublishFilter.ALL)) {
            awaitRouted(1, "fleet/take/probe", inbox);
        }
        first.disconnect();

        Mqtt5BlockingClient publisher = client(1, "pub1", "take-publisher").buildBlocking();
        publisher.connect();
        for (int n = 1; n <= 100; n++) {
            publisher.publishWith().topic("fleet/take/t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m-" + n)).send();
        }
        publisher.disconnect();

        Mqtt5BlockingClient again = client(2, "sub2", "keeper").buildBlocking();
        try (Mqtt5BlockingClient.Mqtt5Publishes inbox = again.publishes(MqttGlobalPublishFilter.ALL)) {
            Mqtt5ConnAck ack = again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            assertTrue(ack.isSessionPresent(), "node 3 continues the session node 1 had");
            for (int n = 1; n <= 100; n++) {
                assertEquals("m-" + n, text(inbox.receive(WAIT.toSeconds(), TimeUnit.SECONDS)), "in order, once");
            }
        }
        again.disconnectWith().sessionExpiryInterval(0).send();
    }

    @Test
    @Order(2)
    void aConnectOnAnotherNodeTakesOverALiveConnection() throws Exception {
        CompletableFuture<Mqtt5DisconnectReasonCode> dropped = new CompletableFuture<>();
        Mqtt5BlockingClient first = client(0, "sub3", "roamer").addDisconnectedListener(ctx -> {
            if (ctx.getCause() instanceof Mqtt5DisconnectException e) {
                dropped.complete(e.getMqttMessage().getReasonCode());
            } else {
                dropped.completeExceptionally(ctx.getCause());
            }
        }).buildBlocking();
        first.connectWith().cleanStart(true).sessionExpiryInterval(600).send();
        first.subscribeWith().topicFilter("fleet/roam/#").qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt5BlockingClient second = client(1, "sub3", "roamer").buildBlocking();
        try (Mqtt5BlockingClient.Mqtt5Publishes inbox = second.publishes(MqttGlobalPublishFilter.ALL)) {
            Mqtt5ConnAck ack = second.connectWith().cleanStart(false).sessionExpiryInterval(600).send();
            assertTrue(ack.isSessionPresent());
            assertEquals(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER, dropped.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            // The subscription came along: node 3's messages now reach the client on node 2.
            awaitRouted(2, "fleet/roam/probe", inbox);
        }

        // Another username cannot take the client id from another node (midge_clientid_takeover username).
        Mqtt5BlockingClient intruder = client(2, "pub1", "roamer").buildBlocking();
        Mqtt5ConnAckException refused = assertThrows(Mqtt5ConnAckException.class, intruder::connect);
        assertEquals(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID, refused.getMqttMessage().getReasonCode());
        assertTrue(second.getState().isConnected(), "the owner stays connected");
        second.disconnectWith().sessionExpiryInterval(0).send();
    }

    @Test
    @Order(3)
    void twoConnectsRacingOnTwoNodesLeaveExactlyOneConnection() throws Exception {
        List<CompletableFuture<Mqtt5DisconnectReasonCode>> dropped = List.of(new CompletableFuture<>(),
                new CompletableFuture<>());
        List<com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient> twins = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CompletableFuture<Mqtt5DisconnectReasonCode> d = dropped.get(i);
            twins.add(client(i, "sub2", "twin").addDisconnectedListener(ctx -> d.complete(
                    ctx.getCause() instanceof Mqtt5DisconnectException e ? e.getMqttMessage().getReasonCode() : null))
                    .buildAsync());
        }
        CompletableFuture.allOf(twins.get(0).connect(), twins.get(1).connect()).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        CompletableFuture.anyOf(dropped.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        int loser = dropped.get(0).isDone() ? 0 : 1;
        int winner = 1 - loser;
        assertEquals(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER, dropped.get(loser).get());
        Mqtt5BlockingClient survivor = twins.get(winner).toBlocking();
        survivor.subscribeWith().topicFilter("fleet/twin/#").qos(MqttQos.AT_LEAST_ONCE).send();
        try (Mqtt5BlockingClient.Mqtt5Publishes inbox = survivor.publishes(MqttGlobalPublishFilter.ALL)) {
            awaitRouted(2, "fleet/twin/probe", inbox); // it is the one the cluster routes to
        }
        assertFalse(dropped.get(winner).isDone(), "exactly one of the two was taken over");
        survivor.disconnect();
    }

    @Test
    @Order(4)
    void aKilledNodesSessionsAndWillsLiveOnInTheSurvivors() throws Exception {
        Mqtt5BlockingClient watcher = client(2, "sub2", "will-watcher").buildBlocking();
        watcher.connect();
        Mqtt5BlockingClient.Mqtt5Publishes wills = watcher.publishes(MqttGlobalPublishFilter.ALL);
        watcher.subscribeWith().topicFilter("fleet/will/#").qos(MqttQos.AT_LEAST_ONCE).send();
        awaitRouted(1, "fleet/will/probe", wills);
        Mqtt5BlockingClient dying = client(0, "dying", "dying").buildBlocking();
        dying.connectWith().willPublish().topic("fleet/will/dying").payload(bytes("gone")).qos(MqttQos.AT_LEAST_ONCE)
                .applyWillPublish().send();

        Mqtt5BlockingClient subscriber = client(0, "sub3", "survivor").buildBlocking();
        Mqtt5BlockingClient.Mqtt5Publishes beforeKill = subscriber.publishes(MqttGlobalPublishFilter.ALL);
        subscriber.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        subscriber.subscribeWith().topicFilter("fleet/kill/#").qos(MqttQos.AT_LEAST_ONCE).send();
        awaitRouted(1, "fleet/kill/probe", beforeKill);

        QosOnePublisher publisher = new QosOnePublisher(1, "fleet/kill/t");
        Thread publishing = new Thread(publisher, "qos1-publisher");
        publishing.setDaemon(true);
        publishing.start();
        publisher.awaitAcked(100);
        cluster.nodes.get(0).crash();
        cluster.nodes.get(1).awaitLine("Cluster members now \\[[^]]*\\]; gone: \\[node-1\\]", WAIT);
        publisher.awaitAcked(publisher.acked.size() + 100); // traffic goes on while node 1's sessions move
        publisher.stop = true;
        publishing.join(WAIT.toMillis());

        // The will of the client on the killed node went out once, from one survivor.
        assertEquals("gone", text(wills.receive(WAIT.toSeconds(), TimeUnit.SECONDS)));
        Mqtt5BlockingClient after = client(1, "pub1", "will-marker").buildBlocking();
        after.connect();
        after.publishWith().topic("fleet/will/marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
        after.disconnect();
        assertEquals("marker", text(wills.receive(WAIT.toSeconds(), TimeUnit.SECONDS)), "the will came once");
        watcher.disconnect();

        Mqtt5BlockingClient back = client(2, "sub3", "survivor").buildBlocking();
        Mqtt5BlockingClient.Mqtt5Publishes afterKill = back.publishes(MqttGlobalPublishFilter.ALL);
        assertTrue(back.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent(),
                "a survivor continues the session of the killed node");
        Mqtt5BlockingClient marker = client(1, "pub1", "kill-marker").buildBlocking();
        marker.connect();
        marker.publishWith().topic("fleet/kill/t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
        marker.disconnect();

        java.util.Map<String, Integer> received = new java.util.HashMap<>();
        for (Optional<Mqtt5Publish> p = beforeKill.receiveNow(); p.isPresent(); p = beforeKill.receiveNow()) {
            received.merge(text(p), 1, Integer::sum);
        }
        for (String m = text(afterKill.receive(WAIT.toSeconds(), TimeUnit.SECONDS)); !m.equals("marker");
             m = text(afterKill.receive(WAIT.toSeconds(), TimeUnit.SECONDS))) {
            received.merge(m, 1, Integer::sum);
        }
        List<Integer> missing = publisher.acked.stream().filter(n -> !received.containsKey("m-" + n)).sorted().toList();
        long duplicates = received.values().stream().filter(c -> c > 1).count();
        System.out.println("kill -9 under QoS 1: " + publisher.acked.size() + " PUBACKed, " + publisher.unacknowledged
                + " publishes refused or cut off and sent again, " + duplicates + " received twice (QoS 1 allows), "
                + missing.size() + " lost");
        assertEquals(List.of(), missing, "every PUBACKed message reaches the session after its node's SIGKILL");
        back.disconnectWith().sessionExpiryInterval(0).send();
    }

    /** Publishes m-1, m-2, ... at QoS 1 and records which were PUBACKed; reconnects when cut off. */
    private final class QosOnePublisher implements Runnable {
        final java.util.Set<Integer> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        volatile boolean stop;
        volatile int unacknowledged;
        private final int node;
        private final String topic;

        QosOnePublisher(int node, String topic) {
            this.node = node;
            this.topic = topic;
        }

        @Override
        public void run() {
            int n = 0;
            Mqtt5BlockingClient c = null;
            while (!stop) {
                try {
                    if (c == null || !c.getState().isConnected()) {
                        c = client(node, "pub1", "kill-publisher").buildBlocking();
                        c.connect();
                    }
                    n++;
                    c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m-" + n)).send();
                    acked.add(n);
                } catch (Exception e) {
                    unacknowledged++;
                }
            }
            if (c != null && c.getState().isConnected()) {
                c.disconnect();
            }
        }

        void awaitAcked(int count) throws InterruptedException {
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> acked.size() >= count || stop);
            assertTrue(acked.size() >= count, "only " + acked.size() + " PUBACKs of " + count);
        }
    }

    /** Publishes probes on {@code node} until one arrives, then a marker after which no probe may come. */
    private void awaitRouted(int node, String topic, Mqtt5BlockingClient.Mqtt5Publishes inbox) throws Exception {
        Mqtt5BlockingClient prober = client(node, "pub1", "prober-" + node).buildBlocking();
        prober.connect();
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            Optional<Mqtt5Publish> got = Optional.empty();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                prober.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("probe")).send();
                got = inbox.receive(200, TimeUnit.MILLISECONDS);
            }
            assertEquals("probe", text(got), "routes never reached node " + (node + 1));
            prober.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
            String line;
            do {
                line = text(inbox.receive(WAIT.toSeconds(), TimeUnit.SECONDS));
            } while ("probe".equals(line));
            assertEquals("marker", line);
        } finally {
            prober.disconnect();
        }
    }

    private Mqtt5ClientBuilder client(int node, String device, String clientId) throws Exception {
        KeyManagerFactory keys = JsseMaterial.keyManagers(Pem.readPrivateKey(work.resolve("certs/" + device + ".key")),
                Pem.readCertificates(work.resolve("certs/" + device + ".crt")).toArray(X509Certificate[]::new));
        return MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(cluster.mqttPorts[node]).sslConfig().keyManagerFactory(keys).trustManagerFactory(trust)
                .applySslConfig();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Optional<Mqtt5Publish> p) {
        assertFalse(p.isEmpty(), "no message within the deadline");
        return new String(p.get().getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

}

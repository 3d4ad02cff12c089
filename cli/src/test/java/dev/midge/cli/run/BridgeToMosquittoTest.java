package dev.midge.cli.run;

import dev.midge.broker.bridge.BridgeStatus;
import dev.midge.conf.MosquittoConf;
import dev.midge.testing.LogCapture;
import dev.midge.testing.MosquittoBroker;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A Midge bridge from a real mosquitto.conf to the real mosquitto, over plain TCP: topics out and
 * in with mosquitto's prefixes, QoS 0/1/2, retained messages, notifications, the remote
 * restarted mid-stream (every message queued, then delivered once and in order) and failover
 * between two addresses and back.
 */
class BridgeToMosquittoTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private RunningBroker midge;
    private int midgePort;

    @AfterEach
    void stop() throws Exception {
        if (midge != null) {
            midge.close();
        }
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private MosquittoBroker mosquitto(String... lines) throws Exception {
        MosquittoBroker remote = MosquittoBroker.start(dir, "remote" + open.size(), lines);
        open.add(remote);
        return remote;
    }

    /** Midge with a listener for the test's clients and these lines (the bridge block) after it. */
    private RunningBroker midge(String... lines) throws Exception {
        midgePort = Ports.freePort();
        Path conf = Files.writeString(dir.resolve("midge.conf"), "listener " + midgePort + " 127.0.0.1\n"
                + "allow_anonymous true\n" + String.join("\n", lines) + "\n");
        midge = BrokerAssembly.start(MosquittoConf.parse(conf).config());
        return midge;
    }

    private BridgeStatus status() {
        return midge.broker().bridges().get(0).status();
    }

    private void awaitConnected() {
        await().atMost(WAIT).until(() -> status().connected());
    }

    private RunningSubscriber subscribe(int port, String... args) throws InterruptedException {
        RunningSubscriber sub = MosquittoClients.subscribe(MosquittoClients.options(port), args);
        open.add(sub);
        assertNotNull(sub.awaitSubscribed(WAIT), sub.stderr());
        return sub;
    }

    private static void publish(int port, String... args) {
        assertEquals(0, MosquittoClients.publish(MosquittoClients.options(port), args).exitCode());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void outgoingMessagesGetTheRemotePrefixOnMosquitto(int qos) throws Exception {
        MosquittoBroker remote = mosquitto("allow_anonymous true");
        midge("connection cloud", "address 127.0.0.1:" + remote.port(), "remote_clientid site1",
                "topic # out " + qos + " site/ cloud/site1/");
        RunningSubscriber sub = subscribe(remote.port(), "-v", "-q", "2", "-t", "cloud/#", "-t", "site/#");
        awaitConnected();

        publish(midgePort, "-q", Integer.toString(qos), "-t", "site/temp", "-m", "21.5");
        publish(midgePort, "-q", "0", "-t", "elsewhere/x", "-m", "not bridged");
        remote.awaitLine("New bridge connected from .* as site1", WAIT);
        publish(remote.port(), "-t", "cloud/site1/marker", "-m", "end");

        assertEquals("cloud/site1/temp 21.5", sub.awaitLine(WAIT));
        assertEquals("cloud/site1/marker end", sub.awaitLine(WAIT), "only the prefixed topic is bridged");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void incomingMessagesLoseTheRemotePrefixAndGetTheLocalOne(int qos) throws Exception {
        MosquittoBroker remote = mosquitto("allow_anonymous true");
        midge("connection cloud", "address 127.0.0.1:" + remote.port(), "remote_clientid site1",
                "topic cmd/# in " + qos + " site1/ cloud/");
        RunningSubscriber sub = subscribe(midgePort, "-v", "-q", "2", "-t", "#");
        awaitConnected();
        remote.awaitLine("Sending SUBACK to site1", WAIT);

        publish(remote.port(), "-q", Integer.toString(qos), "-t", "cloud/cmd/reboot", "-m", "now");
        publish(remote.port(), "-q", "0", "-t", "cloud/other", "-m", "not bridged");
        publish(midgePort, "-t", "site1/marker", "-m", "end");

        assertEquals("site1/cmd/reboot now", sub.awaitLine(WAIT));
        assertEquals("site1/marker end", sub.awaitLine(WAIT));
    }

    @Test
    void anMqtt5BridgeCarriesThePublishersPropertiesBothWays() throws Exception {
        MosquittoBroker remote = mosquitto("allow_anonymous true");
        midge("connection cloud", "address 127.0.0.1:" + remote.port(), "remote_clientid site1",
                "bridge_protocol_version mqttv50", "topic up/# out 1", "topic down/# in 1");
        RunningSubscriber onRemote = subscribe(remote.port(), "-V", "mqttv5", "-F", "%t %P %C", "-t", "up/#");
        RunningSubscriber onMidge = subscribe(midgePort, "-V", "mqttv5", "-F", "%t %P %C", "-t", "down/#");
        awaitConnected();
        remote.awaitLine("Sending SUBACK to site1", WAIT);

        publish(midgePort, "-V", "mqttv5", "-q", "1", "-t", "up/a", "-m", "x", "-D", "publish", "user-property",
                "unit", "C", "-D", "publish", "content-type", "text/plain");
        publish(remote.port(), "-V", "mqttv5", "-q", "1", "-t", "down/b", "-m", "y", "-D", "publish",
                "user-property", "cmd", "reboot", "-D", "publish", "content-type", "application/json");

        assertEquals("up/a unit:C text/plain", onRemote.awaitLine(WAIT));
        assertEquals("down/b cmd:reboot application/json", onMidge.awaitLine(WAIT));
    }

    @Test
    void retainedMessagesStayRetainedOnTheRemote() throws Exception {
        MosquittoBroker remote = mosquitto("allow_anonymous true");
        midge("connection cloud", "address 127.0.0.1:" + remote.port(), "remote_clientid site1",
                "topic status/# out 1");
        awaitConnected();
        RunningSubscriber live = subscribe(remote.port(), "-v", "-t", "status/#");

        publish(midgePort, "-q", "1", "-r", "-t", "status/site1", "-m", "online");
        assertEquals("status/site1 online", live.awaitLine(WAIT));

        RunningSubscriber late = subscribe(remote.port(), "-v", "--retained-only", "-t", "status/#");
        assertEquals("status/site1 online", late.awaitLine(WAIT));
    }

    @Test
    void notificationsAreOneWhileConnectedOnBothSidesAndZeroWhenTheBridgeGoes() throws Exception {
        MosquittoBroker remote = mosquitto("allow_anonymous true");
        RunningSubscriber remoteState = subscribe(remote.port(), "-v", "-t", "$SYS/broker/connection/site1/state");
        midge("connection cloud", "address 127.0.0.1:" + remote.port(), "remote_clientid site1", "topic a out 1");
        awaitConnected();

        assertEquals("$SYS/broker/connection/site1/state 1", remoteState.awaitLine(WAIT));
        RunningSubscriber localState = subscribe(midgePort, "-v", "-t", "$SYS/broker/connection/site1/state");
        assertEquals("$SYS/broker/connection/site1/state 1", localState.awaitLine(WAIT));

        midge.close(); // the remote publishes the bridge's will
        midge = null;
        assertEquals("$SYS/broker/connection/site1/state 0", remoteState.awaitLine(WAIT));
    }

    @Test
    void messagesQueuedWhileTheRemoteIsDownAreDeliveredOnceAndInOrder() throws Exception {
        MosquittoBroker remote = mosquitto("allow_anonymous true", "persistence true",
                "persistence_location " + dir.resolve("remote0") + "/");
        midge("connection cloud", "address 127.0.0.1:" + remote.port(), "remote_clientid site1",
                "restart_timeout 1", "topic data/# out 1");
        // A persistent subscriber: mosquitto keeps its session and queue across its own restart.
        RunningSubscriber first = subscribe(remote.port(), "-q", "1", "-c", "-i", "counter", "-t", "data/#");
        awaitConnected();
        int total = 200;
        for (int i = 1; i <= total / 2; i++) {
            publish(midgePort, "-q", "1", "-t", "data/n", "-m", Integer.toString(i));
        }
        for (int i = 1; i <= total / 2; i++) {
            assertEquals(Integer.toString(i), first.awaitLine(WAIT));
        }
        first.kill();

        remote.stop();
        await().atMost(WAIT).until(() -> !status().connected());
        for (int i = total / 2 + 1; i <= total; i++) {
            publish(midgePort, "-q", "1", "-t", "data/n", "-m", Integer.toString(i));
        }
        assertEquals(total / 2, status().queued(), "every message waits in the bridge's queue: " + status());
        remote.restart();
        // Once the remote acknowledged all, its queue for the subscriber holds them (so that
        // mosquitto's own order, not a race with the subscriber's reconnect, is what is seen).
        await().atMost(WAIT).until(() -> status().connected() && status().queued() == 0);

        RunningSubscriber again = subscribe(remote.port(), "-q", "1", "-c", "-i", "counter", "-t", "data/#");
        for (int i = total / 2 + 1; i <= total; i++) {
            assertEquals(Integer.toString(i), again.awaitLine(WAIT), "message " + i + " in order");
        }
        publish(remote.port(), "-q", "1", "-t", "data/marker", "-m", "end");
        assertEquals("end", again.awaitLine(WAIT), "no message arrived twice");
    }

    @Test
    void withPersistenceTheQueueOutlivesARestartOfMidge() throws Exception {
        MosquittoBroker remote = mosquitto("allow_anonymous true", "persistence true",
                "persistence_location " + dir.resolve("remote0") + "/");
        // The remote's persistent subscriber exists before anything is bridged, then goes offline with the remote.
        subscribe(remote.port(), "-q", "1", "-c", "-i", "counter", "-t", "data/#").kill();
        remote.stop();
        String[] conf = {"persistence true", "persistence_location " + Files.createDirectories(dir.resolve("store")),
                "connection cloud", "address 127.0.0.1:" + remote.port(), "remote_clientid site1",
                "restart_timeout 1", "topic data/# out 1"};
        midge(conf);
        int total = 50;
        for (int i = 1; i <= total; i++) {
            publish(midgePort, "-q", "1", "-t", "data/n", "-m", Integer.toString(i));
        }
        assertEquals(total, status().queued());

        midge.close();
        midge(conf);
        assertEquals(total, status().queued(), "the bridge's queue was restored from the store: " + status());
        remote.restart();
        await().atMost(WAIT).until(() -> status().connected() && status().queued() == 0);

        RunningSubscriber counter = subscribe(remote.port(), "-q", "1", "-c", "-i", "counter", "-t", "data/#");
        for (int i = 1; i <= total; i++) {
            assertEquals(Integer.toString(i), counter.awaitLine(WAIT), "message " + i + " in order");
        }
        publish(remote.port(), "-q", "1", "-t", "data/marker", "-m", "end");
        assertEquals("end", counter.awaitLine(WAIT), "no message arrived twice");
    }

    @Test
    void aLazyBridgeConnectsAtItsThresholdAndLeavesWhenIdle() throws Exception {
        MosquittoBroker remote = mosquitto("allow_anonymous true");
        RunningSubscriber sub = subscribe(remote.port(), "-q", "1", "-t", "data/#");
        try (LogCapture log = LogCapture.of("dev.midge")) {
            midge("connection cloud", "address 127.0.0.1:" + remote.port(), "remote_clientid site1",
                    "start_type lazy", "threshold 3", "idle_timeout 2", "notifications false", "topic data/# out 1");
            publish(midgePort, "-q", "1", "-t", "data/n", "-m", "1");
            publish(midgePort, "-q", "1", "-t", "data/n", "-m", "2");
            assertEquals(2, status().queued());
            assertEquals(false, status().connected(), "below the threshold a lazy bridge waits");
            publish(midgePort, "-q", "1", "-t", "data/n", "-m", "3");

            for (int i = 1; i <= 3; i++) {
                assertEquals(Integer.toString(i), sub.awaitLine(WAIT));
            }
            assertNotNull(log.awaitOneLine("Bridge cloud lost its connection to", "idle for 2 s (start_type lazy)"));
            assertEquals(false, status().connected());
        }
    }

    @Test
    void aBridgeStartedOnceStaysDownWhenItsConnectionEnds() throws Exception {
        MosquittoBroker remote = mosquitto("allow_anonymous true");
        try (LogCapture log = LogCapture.of("dev.midge")) {
            midge("connection cloud", "address 127.0.0.1:" + remote.port(), "remote_clientid site1",
                    "start_type once", "restart_timeout 1", "topic data/# out 1");
            awaitConnected();
            remote.stop();
            assertNotNull(log.awaitOneLine("Bridge cloud (start_type once) stays down."));
        }
    }

    @Test
    void failsOverToTheSecondAddressAndBackToThePrimary() throws Exception {
        int primaryPort = Ports.freePort();
        MosquittoBroker primary = MosquittoBroker.create(dir, "primary", primaryPort, "allow_anonymous true");
        open.add(primary);
        MosquittoBroker secondary = mosquitto("allow_anonymous true");
        try (LogCapture log = LogCapture.of("dev.midge")) {
            midge("connection cloud", "addresses 127.0.0.1:" + primaryPort + " 127.0.0.1:" + secondary.port(),
                    "remote_clientid site1", "restart_timeout 1", "topic data/# out 1");
            awaitConnected();
            assertEquals("127.0.0.1:" + secondary.port(), status().remoteAddress());
            RunningSubscriber onSecondary = subscribe(secondary.port(), "-v", "-t", "data/#");
            publish(midgePort, "-q", "1", "-t", "data/a", "-m", "via secondary");
            assertEquals("data/a via secondary", onSecondary.awaitLine(WAIT));

            primary.restart();
            RunningSubscriber onPrimary = subscribe(primaryPort, "-v", "-t", "data/#");
            primary.awaitLine("New bridge connected from .* as site1", WAIT);
            await().atMost(WAIT).until(() -> status().connected()
                    && status().remoteAddress().equals("127.0.0.1:" + primaryPort));
            publish(midgePort, "-q", "1", "-t", "data/b", "-m", "via primary");
            assertEquals("data/b via primary", onPrimary.awaitLine(WAIT));
            assertNotNull(log.awaitOneLine("Bridge cloud: primary address 127.0.0.1:" + primaryPort
                    + " is back; moving to it."));
        }
    }
}

package dev.midge.cli.run;

import dev.midge.conf.MosquittoConf;
import dev.midge.testing.MosquittoBroker;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A bridge's state as a user watches it: {@code mosquitto_sub} on {@code $SYS/broker/midge/bridges/#}
 * and a scrape of {@code /metrics}, while the bridge is connected to a real mosquitto and while that
 * mosquitto is stopped and QoS 1 messages queue for it.
 */
class BridgeFiguresTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SYS = "$SYS/broker/midge/bridges/cloud/";

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private RunningBroker midge;
    private int midgePort;
    private int metricsPort;
    private MosquittoBroker remote;

    @AfterEach
    void stop() throws Exception {
        if (midge != null) {
            midge.close();
        }
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private void bridgedToMosquitto() throws Exception {
        remote = MosquittoBroker.start(dir, "remote", "allow_anonymous true");
        open.add(remote);
        midgePort = Ports.freePort();
        metricsPort = Ports.freePort();
        Path conf = Files.writeString(dir.resolve("midge.conf"), String.join("\n",
                "listener " + midgePort + " 127.0.0.1", "allow_anonymous true", "sys_interval 1",
                "midge_metrics_listener 127.0.0.1:" + metricsPort,
                "connection cloud", "address 127.0.0.1:" + remote.port(), "remote_clientid site1",
                "restart_timeout 1", "topic data/# out 1") + "\n");
        midge = BrokerAssembly.start(MosquittoConf.parse(conf).config());
    }

    private void publishQos1(int n) {
        for (int i = 1; i <= n; i++) {
            assertEquals(0, MosquittoClients.publish(MosquittoClients.options(midgePort),
                    "-q", "1", "-t", "data/n", "-m", Integer.toString(i)).exitCode());
        }
    }

    @Test
    void sysTopicsShowTheBridgeConnectedThenQueueingWhileTheRemoteIsDown() throws Exception {
        bridgedToMosquitto();
        RunningSubscriber sys = MosquittoClients.subscribe(MosquittoClients.options(midgePort),
                "-v", "-t", "$SYS/broker/midge/bridges/#");
        open.add(sys);
        assertNotNull(sys.awaitSubscribed(WAIT), sys.stderr());

        Map<String, String> seen = new HashMap<>();
        awaitValues(sys, seen, Map.of("connected", "1", "queued", "0", "remote", "127.0.0.1:" + remote.port()));

        remote.stop();
        awaitValues(sys, seen, Map.of("connected", "0"));
        publishQos1(3);
        awaitValues(sys, seen, Map.of("connected", "0", "queued", "3"));

        remote.restart();
        awaitValues(sys, seen, Map.of("connected", "1", "queued", "0"));
    }

    @Test
    void metricsShowTheBridgeConnectedThenQueueingWhileTheRemoteIsDown() throws Exception {
        bridgedToMosquitto();
        HttpClient http = HttpClient.newHttpClient();

        await().atMost(WAIT).until(() -> sample(scrape(http), "midge_bridge_connected") == 1);
        assertEquals(0, sample(scrape(http), "midge_bridge_queued_messages"));

        remote.stop();
        await().atMost(WAIT).until(() -> sample(scrape(http), "midge_bridge_connected") == 0);
        publishQos1(4);
        String body = scrape(http);
        assertEquals(0, sample(body, "midge_bridge_connected"), body);
        assertEquals(4, sample(body, "midge_bridge_queued_messages"), body);
    }

    /** Reads $SYS lines until each of {@code expected} (last topic level → value) holds. */
    private static void awaitValues(RunningSubscriber sys, Map<String, String> seen, Map<String, String> expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!seen.entrySet().containsAll(expected.entrySet())) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : sys.awaitLine(Duration.ofNanos(left));
            assertNotNull(line, "$SYS never showed " + expected + "; last seen " + seen);
            String[] topicAndValue = line.split(" ", 2);
            assertEquals(true, topicAndValue[0].startsWith(SYS), line);
            seen.put(topicAndValue[0].substring(SYS.length()), topicAndValue[1]);
        }
    }

    private String scrape(HttpClient http) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private static double sample(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{bridge=\"cloud\"}") + " (\\S+)$").matcher(metrics);
        assertEquals(true, m.find(), "no sample " + name + " in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }
}

package dev.midge.broker.sys;

import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.LogCapture;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.RunningSubscriber;
import dev.midge.testing.SmallDisk;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /metrics} and {@code /health} of {@code BrokerOptions.metricsListener}, read with the real {@code curl}
 * after real traffic from the mosquitto clients; {@code /health} turns 503 while the store cannot write (a
 * 4 MiB tmpfs filled up, as in FullDiskTest; needs root) and 200 again once it can.
 */
class MetricsEndpointTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private final LogCapture log = LogCapture.of("dev.midge");
    private EmbeddedBroker broker;
    private SmallDisk smallDisk;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (smallDisk != null) {
            smallDisk.close();
        }
        log.close();
    }

    @Test
    void metricsCountRealTrafficAndHealthIsOk() throws Exception {
        // no $SYS tree: the figures below are the traffic's alone
        broker = EmbeddedBroker.start(b -> b.sysInterval(0).metricsListener(new InetSocketAddress("127.0.0.1", 0)));
        for (int i = 0; i < 3; i++) {
            ProcessResult pub = MosquittoClients.publish(MosquittoClients.options(broker.port()),
                    "-t", "data/" + i, "-m", "hello", "-q", "1", "-r");
            assertTrue(pub.succeeded(), pub.toString());
        }
        // The three retained messages go out as bytes of an outbox run, the PUBACKs as one read's
        // coalesced bytes: neither passes Netty's encoder, and both must still be counted.
        try (RunningSubscriber sub = MosquittoClients.subscribe(MosquittoClients.options(broker.port()),
                "-t", "data/#", "-q", "1", "-C", "3")) {
            ProcessResult got = sub.awaitExit(Duration.ofSeconds(30));
            assertTrue(got.succeeded(), got.toString());
        }

        Response health = get("/health");
        assertEquals(200, health.status());
        assertEquals("ok\n", health.body());
        Response metrics = get("/metrics");
        assertEquals(200, metrics.status());
        String body = metrics.body();
        assertEquals(3, value(body, "midge_publish_received_total"), body);
        assertEquals(15, value(body, "midge_publish_bytes_received_total"), body);
        assertEquals(3, value(body, "midge_publish_sent_total"), body);
        assertEquals(15, value(body, "midge_publish_bytes_sent_total"), body);
        // CONNACK + PUBACK for each publisher; CONNACK, SUBACK and three PUBLISHes for the subscriber
        assertEquals(11, value(body, "midge_messages_sent_total"), body);
        assertEquals(3, value(body, "midge_retained_messages"), body);
        assertEquals(4, value(body, "midge_connections_total"), body);
        assertTrue(value(body, "midge_bytes_received_total") > 15, body);
        assertEquals(0, value(body, "midge_clients_connected"), body);
        assertEquals(0, value(body, "midge_listener_connections{listener=\"127.0.0.1:" + broker.port() + "\"}"), body);
        assertEquals(404, get("/elsewhere").status());
    }

    @Test
    void healthIs503WhileTheStoreCannotWrite() throws Exception {
        smallDisk = SmallDisk.mount(tmp.resolve("disk"));
        broker = EmbeddedBroker.start(b -> b.persistence(smallDisk.dir()).metricsListener(new InetSocketAddress("127.0.0.1", 0)));
        assertEquals(200, get("/health").status());

        Path ballast = smallDisk.fill();
        Path payload = Files.write(tmp.resolve("payload"), new byte[200 * 1024]);
        // Retained QoS 1 messages go to the store; the one that does not fit breaks it, and its PUBACK waits
        // for the disk, so the publishers are not waited for.
        java.util.List<Process> publishers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 40 && log.matching("Cannot write the persistent store").isEmpty(); i++) {
                publishers.add(new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
                        "-t", "big/" + i, "-f", payload.toString(), "-q", "1", "-r", "-V", "mqttv5")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                publishers.get(publishers.size() - 1).waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
            }
            log.awaitOneLine("Cannot write the persistent store");
            Response unhealthy = get("/health");
            assertEquals(503, unhealthy.status());
            assertEquals("unhealthy: the store cannot write\n", unhealthy.body());

            Files.delete(ballast);
            await().atMost(DEADLINE).until(() -> !log.matching("can write again").isEmpty());
            assertEquals(200, get("/health").status());
        } finally {
            publishers.forEach(Process::destroy);
        }
    }

    private record Response(int status, String body) {
    }

    private Response get(String path) {
        ProcessResult r = MosquittoClients.run(java.util.List.of("curl", "-sS", "-w", "\n%{http_code}",
                "http://127.0.0.1:" + broker.broker().metricsPort() + path), DEADLINE);
        assertEquals(0, r.exitCode(), r.toString());
        int cut = r.stdout().lastIndexOf('\n');
        return new Response(Integer.parseInt(r.stdout().substring(cut + 1).strip()), r.stdout().substring(0, cut));
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), "no sample " + series);
        return Double.parseDouble(m.group(1));
    }

}

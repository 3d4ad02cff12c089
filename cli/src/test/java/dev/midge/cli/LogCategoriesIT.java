package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * connection_messages and the log_type categories subscribe/unsubscribe, as broker.jar logs them
 * for the real mosquitto clients. Absence is proven by a marker line that must come later.
 */
class LogCategoriesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    private final int port = Ports.freePort();

    private BrokerProcess start(String options) throws Exception {
        Path conf = Files.writeString(work.resolve("mosquitto.conf"),
                "allow_anonymous true\nlistener " + port + " 127.0.0.1\n" + options);
        return BrokerProcess.start(work, "-c", conf.toString());
    }

    /** mosquitto_sub that subscribes (and unsubscribes if asked) and exits; retried until the broker listens. */
    private void subscribeAndLeave(String clientId, String... args) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        ProcessResult result;
        do {
            result = MosquittoClients.run(command(clientId, args), WAIT);
            if (result.succeeded()) {
                return;
            }
            Thread.sleep(100); // polling a port that is not open yet, not synchronisation
        } while (System.nanoTime() < deadline);
        throw new AssertionError("mosquitto_sub never got through: " + result);
    }

    private List<String> command(String clientId, String... args) {
        List<String> c = new java.util.ArrayList<>(List.of("mosquitto_sub", "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-i", clientId, "-E"));
        c.addAll(List.of(args));
        return c;
    }

    /**
     * Lets {@code clientId} publish once, then a marker client subscribe to m/#, and returns the
     * broker's lines before the marker's subscribe line: everything logged for {@code clientId}.
     */
    private List<String> linesForOnePublish(BrokerProcess broker, String clientId) throws Exception {
        broker.awaitLine("Midge .* running", WAIT);
        assertEquals(0, MosquittoClients.publish(MosquittoClients.options(port).clientId(clientId),
                "-t", "a", "-m", "x").exitCode());
        subscribeAndLeave("marker", "-t", "m/#");
        return broker.linesBefore(broker.awaitLine("marker 0 m/#", WAIT));
    }

    /** Connects {@code clientId} over WebSocket and returns the broker's lines before its connect line. */
    private List<String> linesForWebSocketConnect(BrokerProcess broker, String clientId) throws Exception {
        broker.awaitLine("Midge .* running", WAIT);
        connectOverWebSocket(clientId);
        return broker.linesBefore(broker.awaitLine("as " + clientId, WAIT));
    }

    @Test
    void connectionMessagesAreLoggedByDefault() throws Exception {
        try (BrokerProcess broker = start("log_type notice\nlog_type information\nlog_type subscribe\n")) {
            List<String> earlier = linesForOnePublish(broker, "talkative");
            assertTrue(earlier.stream().anyMatch(l -> l.contains("New connection from 127.0.0.1")), earlier.toString());
            assertTrue(earlier.stream().anyMatch(l -> l.matches(".*New client connected from 127\\.0\\.0\\.1:\\d+ "
                    + "as talkative \\(p2, c1, k60\\)\\.")), earlier.toString());
            assertTrue(earlier.stream().anyMatch(l -> l.endsWith("Client talkative disconnected.")), earlier.toString());
        }
    }

    @Test
    void connectionMessagesFalseLeavesConnectAndDisconnectOut() throws Exception {
        try (BrokerProcess broker = start("connection_messages false\nlog_type notice\nlog_type information\nlog_type subscribe\n")) {
            List<String> earlier = linesForOnePublish(broker, "quiet");
            assertFalse(earlier.stream().anyMatch(l -> l.contains("quiet") || l.contains("New connection")),
                    earlier.toString());
        }
    }

    @Test
    void subscribeAndUnsubscribeLinesComeOnlyWhenAskedFor() throws Exception {
        try (BrokerProcess broker = start("log_type error\nlog_type subscribe\nlog_type unsubscribe\n")) {
            subscribeAndLeave("s1", "-q", "1", "-t", "a/b", "-U", "a/b");
            String subscribed = broker.awaitLine("s1 1 a/b$", WAIT);
            assertTrue(subscribed.matches(".*INFO +s1 1 a/b"), subscribed);
            broker.awaitLine("INFO +s1 a/b$", WAIT);
            // The categories are not levels: the client's connect (a notice) stays out.
            assertFalse(broker.lines().stream().anyMatch(l -> l.contains("New client connected")), broker.output());
        }
    }

    @Test
    void subscribeLinesStayOutOfTheDefaultLogTypes() throws Exception {
        try (BrokerProcess broker = start("")) {
            broker.awaitLine("Midge .* running", WAIT);
            subscribeAndLeave("hidden", "-t", "h/#", "-U", "h/#");
            subscribeAndLeave("marker", "-t", "m/#");
            List<String> earlier = broker.linesBefore(broker.awaitLine("Client marker disconnected\\.", WAIT));
            assertFalse(earlier.stream().anyMatch(l -> l.contains("hidden 0 h/#") || l.contains("hidden h/#")),
                    earlier.toString());
            assertTrue(earlier.stream().anyMatch(l -> l.contains("as hidden")), earlier.toString());
        }
    }

    @Test
    void logTypeWebsocketsWithALevelShowsNettysWebSocketLines() throws Exception {
        try (BrokerProcess broker = start("protocol websockets\nlog_type notice\nlog_type information\nlog_type websockets\n"
                + "websockets_log_level 255\n")) {
            List<String> earlier = linesForWebSocketConnect(broker, "ws-loud");
            assertTrue(earlier.stream().anyMatch(l -> l.contains("WebSocket version V13 server handshake")),
                    earlier.toString());
        }
    }

    @Test
    void withoutLogTypeWebsocketsEvenDebugShowsNoWebSocketLines() throws Exception {
        try (BrokerProcess broker = start("protocol websockets\nlog_type debug\nlog_type information\n"
                + "websockets_log_level 255\n")) {
            List<String> earlier = linesForWebSocketConnect(broker, "ws-quiet");
            assertFalse(earlier.stream().anyMatch(l -> l.contains("WebSocket version")), earlier.toString());
        }
    }

    /** The HTTP upgrade and a 3.1.1 CONNECT in one masked binary frame; returns once CONNACK arrived. */
    private void connectOverWebSocket(String clientId) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: mqtt\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = responseHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream connect = new ByteArrayOutputStream();
            connect.writeBytes(new byte[]{0x10, (byte) (12 + id.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0,
                    (byte) id.length});
            connect.writeBytes(id);
            byte[] payload = connect.toByteArray();
            byte[] mask = {1, 2, 3, 4};
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x82);
            frame.write(0x80 | payload.length);
            frame.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
            out.write(frame.toByteArray());
            out.flush();
            assertEquals(0x82, in.read()); // the frame carrying CONNACK
            assertEquals(4, in.read());
            assertEquals(0x20, in.read());
        }
    }

    private static String responseHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}

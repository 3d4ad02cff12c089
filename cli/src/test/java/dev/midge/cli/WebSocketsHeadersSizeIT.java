package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** websockets_headers_size from mosquitto.conf reaches the WebSocket listener of broker.jar. */
class WebSocketsHeadersSizeIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void anUpgradeOverTheHeadersSizeIsRefusedAndLogged() throws Exception {
        int port = Ports.freePort();
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), "allow_anonymous true\nwebsockets_headers_size 1024\n"
                + "listener " + port + " 127.0.0.1\nprotocol websockets\n");
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            assertEquals("HTTP/1.1 431 Request Header Fields Too Large", upgradeWithCookie(port, 2048));
            String line = broker.awaitLine("WebSocket upgrade from 127\\.0\\.0\\.1:\\d+ refused", WAIT);
            assertTrue(line.contains("websockets_headers_size"), line);
            assertTrue(upgradeWithCookie(port, 100).startsWith("HTTP/1.1 101"));
        }
    }

    private static String upgradeWithCookie(int port, int cookieBytes) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(("GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\nCookie: s=" + "c".repeat(cookieBytes)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream status = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                status.write(b);
            }
            return status.toString(StandardCharsets.US_ASCII).trim();
        }
    }
}

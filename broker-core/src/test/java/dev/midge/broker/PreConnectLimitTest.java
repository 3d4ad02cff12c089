package dev.midge.broker;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that has not sent CONNECT cannot make the broker buffer a packet it announces:
 * the connection closes at the fixed header (MQTT over TCP) or within a small budget of bytes
 * (MQTT over WebSockets, where the frame must arrive before the MQTT bytes in it are seen).
 */
class PreConnectLimitTest extends BrokerTest {

    private static final int HUGE = 200 * 1024 * 1024;

    private static byte[] header(int firstByte, int remainingLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        do {
            int digit = remainingLength % 128;
            remainingLength /= 128;
            out.write(remainingLength > 0 ? digit | 0x80 : digit);
        } while (remainingLength > 0);
        return out.toByteArray();
    }

    /** Whether the peer closed: end of stream or reset, within the socket's timeout. */
    private static boolean closedByPeer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void publishAnnouncing200MegabytesBeforeConnectIsClosedAtItsFixedHeader() throws Exception {
        start();
        try (Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(header(0x30, HUGE));
            // Not one byte of the body is sent before the broker must have closed.
            assertTrue(closedByPeer(socket), "the broker waited for the body");
        }
    }

    @Test
    void webSocketFrameAnnouncing200MegabytesBeforeConnectIsClosedWithinTheBudget() throws Exception {
        start(b -> b.listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1")
                .withProtocol(ListenerOptions.Protocol.WEBSOCKETS)));
        int wsPort = broker.listenerAddresses().get(1).getPort();
        try (Socket socket = new Socket("127.0.0.1", wsPort)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: mqtt\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertTrue(httpResponseHead(socket.getInputStream()).startsWith("HTTP/1.1 101"));

            // A masked binary frame announcing 200 MB (64-bit length), sent 16 KiB at a time.
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x82);
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) HUGE >> shift));
            }
            frame.writeBytes(new byte[]{1, 2, 3, 4});
            out.write(frame.toByteArray());
            long budget = 128 * 1024 + 80 * 1024;
            long sent = 0;
            byte[] chunk = new byte[16 * 1024];
            try {
                while (sent <= budget) {
                    out.write(chunk);
                    sent += chunk.length;
                }
            } catch (IOException closedWhileSending) {
                // the broker closed before the budget was spent: also fine
            }
            assertTrue(closedByPeer(socket), "the broker kept buffering the frame after " + sent + " bytes");
        }
    }

    private static String httpResponseHead(InputStream in) throws IOException {
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

    @Test
    void connectOfOrdinarySizeStillWorks() throws Exception {
        start();
        try (RawClient raw = new RawClient(broker.port())) {
            raw.send(RawClient.connect("ordinary", true, 60, "will/topic", "x".repeat(60_000)));
            assertEquals(2, raw.read().type());
        }
    }
}

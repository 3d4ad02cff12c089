package dev.midge.broker;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mosquitto's websockets_headers_size: the most header bytes a WebSocket upgrade may carry, and
 * with it what a client may send before CONNECT (the pre-CONNECT budget grows by the headers only).
 */
class WebSocketHeadersSizeTest extends BrokerTest {

    private int webSocketPort(int headersSize) throws Exception {
        start(b -> b.listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1")
                .withProtocol(ListenerOptions.Protocol.WEBSOCKETS)).webSocketHeadersSize(headersSize));
        return broker.listenerAddresses().get(1).getPort();
    }

    /** The status line the broker answers an upgrade carrying a cookie of this many bytes with ("" if it closed). */
    private static String upgradeWithCookie(int port, int cookieBytes) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(upgrade("Cookie: session=" + "c".repeat(cookieBytes) + "\r\n"));
            return statusLine(socket.getInputStream());
        }
    }

    private static byte[] upgrade(String extraHeaders) {
        return ("GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: mqtt\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static String statusLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).trim();
    }

    @Test
    void aLargerHeadersSizeAdmitsAnUpgradeWithLargeCookies() throws Exception {
        int port = webSocketPort(32 * 1024);
        String status = upgradeWithCookie(port, 20 * 1024);
        assertTrue(status.startsWith("HTTP/1.1 101"), status);
    }

    @Test
    void aSmallerHeadersSizeRefusesAnUpgradeOverIt() throws Exception {
        int port = webSocketPort(1024);
        String status = upgradeWithCookie(port, 2 * 1024);
        assertFalse(status.startsWith("HTTP/1.1 101"), status);
        // The same listener still takes an ordinary upgrade: the refusal was the size.
        assertTrue(upgradeWithCookie(port, 100).startsWith("HTTP/1.1 101"));
    }

    @Test
    void atTheLargestHeadersSizeAFrameBeforeConnectIsStillClosedWithinTheBudget() throws Exception {
        int port = webSocketPort(BrokerOptions.MAX_WEBSOCKET_HEADERS_SIZE);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(upgrade(""));
            assertTrue(statusLine(socket.getInputStream()).startsWith("HTTP/1.1 101"));
            // A masked binary frame announcing 200 MB, sent 16 KiB at a time up to the documented
            // bound: the CONNECT limit (128 KiB) + 136 KiB.
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x82);
            frame.write(0x80 | 127);
            long huge = 200L * 1024 * 1024;
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (huge >> shift));
            }
            frame.writeBytes(new byte[]{1, 2, 3, 4});
            out.write(frame.toByteArray());
            long bound = (128 + 136) * 1024;
            long sent = 0;
            byte[] chunk = new byte[16 * 1024];
            try {
                while (sent <= bound) {
                    out.write(chunk);
                    sent += chunk.length;
                }
            } catch (IOException closedWhileSending) {
                // closed before the bound: also fine
            }
            assertTrue(closedByPeer(socket), "the broker kept buffering the frame after " + sent + " bytes");
        }
    }

    private static boolean closedByPeer(Socket socket) throws IOException {
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                if (in.read() == -1) {
                    return true; // skip what came before the close (the rest of the 101 head)
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}

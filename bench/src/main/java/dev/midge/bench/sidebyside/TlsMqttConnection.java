package dev.midge.bench.sidebyside;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * One MQTT 3.1.1 connection over mutual TLS with hand-written CONNECT/CONNACK/DISCONNECT
 * bytes: the smallest client that exercises what a device does when it connects.
 */
final class TlsMqttConnection implements AutoCloseable {

    private final SSLSocket socket;

    private TlsMqttConnection(SSLSocket socket) {
        this.socket = socket;
    }

    /**
     * TCP connect, TLS handshake with the client certificate, CONNECT (clean session, keep
     * alive 0 so an idle connection needs no PINGREQ) and a successful CONNACK.
     */
    static TlsMqttConnection open(SSLSocketFactory factory, int port, String clientId) throws IOException {
        SSLSocket socket = (SSLSocket) factory.createSocket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(MqttFrames.connect(clientId));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] connack = new byte[4];
            in.readFully(connack);
            if (connack[0] != 0x20 || connack[1] != 0x02 || connack[3] != 0x00) {
                throw new IOException("CONNACK refused: return code " + connack[3]);
            }
            return new TlsMqttConnection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    String protocolAndCipher() {
        return socket.getSession().getProtocol() + " " + socket.getSession().getCipherSuite();
    }

    /**
     * DISCONNECT and close. The session is invalidated first so that the next handshake is a
     * full one: a resumed session would skip the certificate work we mean to measure.
     */
    @Override
    public void close() {
        socket.getSession().invalidate();
        try {
            socket.getOutputStream().write(MqttFrames.DISCONNECT);
            socket.getOutputStream().flush();
        } catch (IOException ignored) {
            // The broker may already have closed its side; closing is all we want.
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }
}

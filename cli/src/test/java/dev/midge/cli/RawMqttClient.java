package dev.midge.cli;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An MQTT 3.1.1 client over TLS that sends exactly the packets a test asks for: what a library
 * client will not do on purpose, e.g. resend a QoS 2 PUBLISH with DUP to another node after a
 * takeover and only then send its PUBREL.
 */
final class RawMqttClient implements AutoCloseable {

    /** A packet read: its type (the high nibble of the first byte) and the bytes after the length. */
    record Packet(int type, byte[] body) {
        int packetId() {
            return ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        }
    }

    static final int CONNACK = 2;
    static final int PUBREC = 5;
    static final int PUBCOMP = 7;

    private final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private boolean sessionPresent;

    private RawMqttClient(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects with clean session 0 and returns once CONNACK accepted it. */
    static RawMqttClient connect(SSLContext tls, int port, String clientId, Duration timeout) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout((int) timeout.toMillis());
        RawMqttClient c = new RawMqttClient(s);
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, "MQTT");
        v.write(4);       // protocol level 3.1.1
        v.write(0);       // clean session 0, no will, no username or password (the certificate is the identity)
        v.write(0);
        v.write(60);      // keep alive
        string(v, clientId);
        c.send(0x10, v.toByteArray());
        Packet ack = c.read();
        if (ack.type() != CONNACK || ack.body()[1] != 0) {
            throw new IOException("CONNACK refused: type " + ack.type() + ", code " + ack.body()[1]);
        }
        c.sessionPresent = (ack.body()[0] & 1) == 1;
        return c;
    }

    boolean sessionPresent() {
        return sessionPresent;
    }

    void publishQos2(int packetId, String topic, byte[] payload, boolean dup) throws IOException {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, topic);
        v.write(packetId >> 8);
        v.write(packetId & 0xFF);
        v.write(payload);
        send(0x34 | (dup ? 0x08 : 0), v.toByteArray());
    }

    void pubrel(int packetId) throws IOException {
        send(0x62, new byte[] {(byte) (packetId >> 8), (byte) packetId});
    }

    /** The next packet; throws on end of stream or the timeout given at connect. */
    Packet read() throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("connection closed");
        }
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.readUnsignedByte();
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return new Packet(first >> 4, body);
    }

    private void send(int firstByte, byte[] body) throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(firstByte);
        int length = body.length;
        do {
            int b = length & 0x7F;
            length >>= 7;
            p.write(length > 0 ? b | 0x80 : b);
        } while (length > 0);
        p.write(body);
        out.write(p.toByteArray());
        out.flush();
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length & 0xFF);
        out.write(b, 0, b.length);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

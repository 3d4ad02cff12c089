package dev.midge.broker;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A socket that speaks MQTT from hand-made bytes: for the cases real clients refuse to
 * produce (malformed packets, missing acknowledgements, silence).
 */
final class RawClient implements AutoCloseable {

    /** A packet as received: the first byte of the fixed header and the rest after the length. */
    record Packet(int header, byte[] body) {
        int type() {
            return header >> 4;
        }

        int flags() {
            return header & 0x0F;
        }
    }

    private final Socket socket;
    private final DataInputStream in;

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        in = new DataInputStream(socket.getInputStream());
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** The next packet; fails the test after 5 s of silence. */
    Packet read() throws IOException {
        int header = in.readUnsignedByte();
        int length = 0;
        int multiplier = 1;
        int b;
        do {
            b = in.readUnsignedByte();
            length += (b & 0x7F) * multiplier;
            multiplier *= 128;
        } while ((b & 0x80) != 0);
        byte[] body = new byte[length];
        in.readFully(body);
        return new Packet(header, body);
    }

    /** Reads until the broker closes the connection; returns the packets it sent before. */
    java.util.List<Packet> readUntilClosed() throws IOException {
        java.util.List<Packet> packets = new java.util.ArrayList<>();
        try {
            while (true) {
                packets.add(read());
            }
        } catch (EOFException | SocketException e) {
            return packets;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the broker did not close the connection; got " + packets.size() + " packets", e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ---- packet bytes ----

    static byte[] packet(int header, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header);
        int len = body.length;
        do {
            int digit = len % 128;
            len /= 128;
            out.write(len > 0 ? digit | 0x80 : digit);
        } while (len > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[]{(byte) (b.length >> 8), (byte) b.length}, b);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** CONNECT for MQTT 3.1.1, optionally with a will (QoS 0, not retained). */
    static byte[] connect(String clientId, boolean cleanSession, int keepAlive, String willTopic, String willPayload) {
        int flags = (cleanSession ? 0x02 : 0) | (willTopic != null ? 0x04 : 0);
        byte[] body = concat(string("MQTT"), new byte[]{4, (byte) flags, (byte) (keepAlive >> 8), (byte) keepAlive},
                string(clientId));
        if (willTopic != null) {
            body = concat(body, string(willTopic), string(willPayload));
        }
        return packet(0x10, body);
    }

    static byte[] connect(String clientId, boolean cleanSession) {
        return connect(clientId, cleanSession, 60, null, null);
    }

    static byte[] subscribe(int packetId, String filter, int qos) {
        return packet(0x82, concat(new byte[]{(byte) (packetId >> 8), (byte) packetId}, string(filter), new byte[]{(byte) qos}));
    }

    static byte[] publish(String topic, int qos, int packetId, byte[] payload) {
        byte[] id = qos > 0 ? new byte[]{(byte) (packetId >> 8), (byte) packetId} : new byte[0];
        return packet(0x30 | (qos << 1), concat(string(topic), id, payload));
    }

    static byte[] puback(int packetId) {
        return packet(0x40, new byte[]{(byte) (packetId >> 8), (byte) packetId});
    }

    static byte[] pubrec(int packetId) {
        return packet(0x50, new byte[]{(byte) (packetId >> 8), (byte) packetId});
    }

    static byte[] pubcomp(int packetId) {
        return packet(0x70, new byte[]{(byte) (packetId >> 8), (byte) packetId});
    }

    static byte[] disconnect() {
        return new byte[]{(byte) 0xE0, 0};
    }

    static int packetIdOfPublish(Packet p) {
        int topicLength = ((p.body()[0] & 0xFF) << 8) | (p.body()[1] & 0xFF);
        return ((p.body()[2 + topicLength] & 0xFF) << 8) | (p.body()[3 + topicLength] & 0xFF);
    }

    static int packetIdOf(Packet p) {
        return ((p.body()[0] & 0xFF) << 8) | (p.body()[1] & 0xFF);
    }
}

package dev.midge.cluster;

import dev.midge.broker.cluster.ClusterMessage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link ClusterMessage} as bytes, for the node links and the retained cache: a version byte,
 * then the fields in order. Plain bytes rather than a marshaller: Infinispan replicates
 * {@code byte[]} as it is, and nothing of the engine's classes has to be registered with it.
 */
final class MessageCodec {

    private static final int VERSION = 1;

    private MessageCodec() {
    }

    static byte[] encode(ClusterMessage m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + m.payload().length + m.topic().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(m.topic());
            out.writeByte(m.qos());
            out.writeBoolean(m.retain());
            out.writeLong(m.expirySeconds());
            optional(out, m.publisherId());
            out.writeInt(m.payloadFormatIndicator() == null ? -1 : m.payloadFormatIndicator());
            optional(out, m.contentType());
            optional(out, m.responseTopic());
            optionalBytes(out, m.correlationData());
            out.writeInt(m.userProperties().size());
            for (Map.Entry<String, String> p : m.userProperties()) {
                out.writeUTF(p.getKey());
                out.writeUTF(p.getValue());
            }
            out.writeInt(m.payload().length);
            out.write(m.payload());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static ClusterMessage decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("a message of format " + version + " (this node reads " + VERSION + ")");
            }
            String topic = in.readUTF();
            int qos = in.readByte();
            boolean retain = in.readBoolean();
            long expiry = in.readLong();
            String publisher = optional(in);
            int format = in.readInt();
            String contentType = optional(in);
            String responseTopic = optional(in);
            byte[] correlation = optionalBytes(in);
            int n = in.readInt();
            List<Map.Entry<String, String>> user = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                user.add(Map.entry(in.readUTF(), in.readUTF()));
            }
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            return new ClusterMessage(topic, payload, qos, retain, format < 0 ? null : format, contentType,
                    responseTopic, correlation, user, expiry, publisher);
        } catch (IOException e) {
            throw new IllegalArgumentException("a truncated message", e);
        }
    }

    private static void optional(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String optional(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void optionalBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] optionalBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}

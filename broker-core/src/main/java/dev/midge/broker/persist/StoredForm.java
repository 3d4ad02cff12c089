package dev.midge.broker.persist;

import dev.midge.broker.StoreException;
import dev.midge.broker.message.Message;
import dev.midge.broker.retained.RetainedSource;
import dev.midge.broker.session.Delivery;
import dev.midge.broker.subscription.Subscription;
import dev.midge.broker.subscription.TopicFilter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bytes the store keeps for messages, owed deliveries and session state. A hand-written
 * format (a version byte, then fields in a fixed order) rather than Java serialisation, so a
 * class change cannot silently make old stores unreadable. Message expiry is kept as wall-clock
 * time, since {@link System#nanoTime()} means nothing after a restart.
 */
final class StoredForm {

    private static final int VERSION = 1;

    /** What a persistent session is, apart from the messages it owes. */
    record SessionState(long expiryInterval, long disconnectedAtMillis, String username,
                        List<Subscription> subscriptions) {
    }

    /** A message owed to a client: in flight under packetId (0: queued), released after PUBREC. */
    record Owed(int packetId, boolean released, Delivery delivery) {
    }

    private StoredForm() {
    }

    static byte[] message(Message m) {
        return write(out -> writeMessage(out, m));
    }

    static Message message(byte[] bytes) {
        return read(bytes, StoredForm::readMessage);
    }

    /** A retained message and who published it: the message's form, then the source as a trailer. */
    static byte[] retained(Message m, RetainedSource source) {
        return write(out -> {
            writeMessage(out, m);
            if (source != null) {
                writeString(out, source.clientId());
                writeNullable(out, source.username());
                out.writeInt(source.listenerPort());
            }
        });
    }

    /** The source of a retained record; null for one stored without (the broker's own, or a store from before). */
    static RetainedSource retainedSource(byte[] bytes) {
        return read(bytes, in -> {
            readMessage(in);
            if (in.available() == 0) {
                return null;
            }
            return new RetainedSource(readString(in), readNullable(in), in.readInt());
        });
    }

    static byte[] owed(int packetId, boolean released, Delivery d) {
        return write(out -> {
            out.writeShort(packetId);
            out.writeBoolean(released);
            out.writeByte(d.qos());
            out.writeBoolean(d.retain());
            out.writeShort(d.subscriptionIdentifiers().size());
            for (int id : d.subscriptionIdentifiers()) {
                out.writeInt(id);
            }
            writeMessage(out, d.message());
        });
    }

    static Owed owed(byte[] bytes) {
        return read(bytes, in -> {
            int packetId = in.readUnsignedShort();
            boolean released = in.readBoolean();
            int qos = in.readByte();
            boolean retain = in.readBoolean();
            int n = in.readUnsignedShort();
            List<Integer> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(in.readInt());
            }
            return new Owed(packetId, released, new Delivery(readMessage(in), qos, retain, ids));
        });
    }

    static byte[] session(SessionState s) {
        return write(out -> {
            out.writeLong(s.expiryInterval());
            out.writeLong(s.disconnectedAtMillis());
            writeNullable(out, s.username());
            out.writeInt(s.subscriptions().size());
            for (Subscription sub : s.subscriptions()) {
                writeString(out, sub.filter().text());
                out.writeByte(sub.qos());
                out.writeBoolean(sub.noLocal());
                out.writeBoolean(sub.retainAsPublished());
                out.writeByte(sub.retainHandling());
                out.writeInt(sub.subscriptionIdentifier());
            }
        });
    }

    static SessionState session(String clientId, byte[] bytes) {
        return read(bytes, in -> {
            long expiry = in.readLong();
            long disconnectedAt = in.readLong();
            String username = readNullable(in);
            int n = in.readInt();
            List<Subscription> subs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String filter = readString(in);
                TopicFilter parsed = TopicFilter.parse(filter);
                if (parsed == null) {
                    throw new IOException("invalid topic filter '" + filter + "'");
                }
                subs.add(new Subscription(clientId, parsed, in.readByte(), in.readBoolean(), in.readBoolean(),
                        in.readByte(), in.readInt()));
            }
            return new SessionState(expiry, disconnectedAt, username, subs);
        });
    }

    private static void writeMessage(DataOutputStream out, Message m) throws IOException {
        writeString(out, m.topic());
        out.writeInt(m.payload().length);
        out.write(m.payload());
        out.writeByte(m.qos());
        out.writeBoolean(m.retain());
        out.writeLong(m.expiresAtNanos() == Message.NEVER ? Long.MAX_VALUE
                : System.currentTimeMillis() + (m.expiresAtNanos() - System.nanoTime()) / 1_000_000L);
        writeNullable(out, m.publisherId());
        Message.ForwardedProperties p = m.properties();
        out.writeInt(p.payloadFormatIndicator() == null ? -1 : p.payloadFormatIndicator());
        writeNullable(out, p.contentType());
        writeNullable(out, p.responseTopic());
        out.writeInt(p.correlationData() == null ? -1 : p.correlationData().length);
        if (p.correlationData() != null) {
            out.write(p.correlationData());
        }
        out.writeInt(p.userProperties().size());
        for (Map.Entry<String, String> u : p.userProperties()) {
            writeString(out, u.getKey());
            writeString(out, u.getValue());
        }
    }

    private static Message readMessage(DataInputStream in) throws IOException {
        String topic = readString(in);
        byte[] payload = in.readNBytes(in.readInt());
        int qos = in.readByte();
        boolean retain = in.readBoolean();
        long expiresAtMillis = in.readLong();
        long expiresAtNanos = expiresAtMillis == Long.MAX_VALUE ? Message.NEVER
                : System.nanoTime() + (expiresAtMillis - System.currentTimeMillis()) * 1_000_000L;
        String publisher = readNullable(in);
        int format = in.readInt();
        String contentType = readNullable(in);
        String responseTopic = readNullable(in);
        int correlationLength = in.readInt();
        byte[] correlation = correlationLength < 0 ? null : in.readNBytes(correlationLength);
        int n = in.readInt();
        List<Map.Entry<String, String>> user = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            user.add(new AbstractMap.SimpleImmutableEntry<>(readString(in), readString(in)));
        }
        Message.ForwardedProperties props = format < 0 && contentType == null && responseTopic == null
                && correlation == null && user.isEmpty() ? Message.ForwardedProperties.NONE
                : new Message.ForwardedProperties(format < 0 ? null : format, contentType, responseTopic, correlation, user);
        return new Message(topic, payload, qos, retain, props, expiresAtNanos, publisher);
    }

    /** Length-prefixed UTF-8: writeUTF's 64 KB limit in modified UTF-8 is below what MQTT allows. */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("string length " + length + " beyond the record");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            writeString(out, s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? readString(in) : null;
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, Reader<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new CorruptStoreException("unknown record version " + version);
            }
            return r.read(in);
        } catch (IOException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new CorruptStoreException("unreadable record: " + e);
        }
    }

    /** A record that cannot be decoded. */
    static final class CorruptStoreException extends RuntimeException {
        CorruptStoreException(String message) {
            super(message);
        }
    }
}

package dev.midge.cluster;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Several encoded messages ({@link MessageCodec}) for one node in one JGroups message: a format
 * byte, then each message as its length and its bytes, in the order they were queued. One
 * network message per batch rather than per PUBLISH is what lets a node link keep up with a
 * flood: the per-message cost of JGroups (headers, flow-control credits, a TLS record) is paid
 * once per batch.
 */
final class MessageBatch {

    /** Distinct from {@link MessageCodec}'s version byte, so a node of an older build refuses a batch loudly. */
    static final int FORMAT = 0x42;
    /** A batch stops growing here (unless its one message is bigger): JGroups fragments above this anyway. */
    static final int MAX_BYTES = 64 * 1024;

    private MessageBatch() {
    }

    /** The bytes a message adds to a batch. */
    static int framed(byte[] message) {
        return 4 + message.length;
    }

    static byte[] encode(List<byte[]> messages) {
        int size = 1;
        for (byte[] m : messages) {
            size += framed(m);
        }
        ByteBuffer out = ByteBuffer.allocate(size).put((byte) FORMAT);
        for (byte[] m : messages) {
            out.putInt(m.length).put(m);
        }
        return out.array();
    }

    /** The messages of a batch, in the order they were sent. */
    static List<byte[]> decode(byte[] data, int offset, int length) {
        ByteBuffer in = ByteBuffer.wrap(data, offset, length);
        if (!in.hasRemaining() || in.get() != FORMAT) {
            throw new IllegalArgumentException("not a batch of messages (another build of Midge on that node?)");
        }
        List<byte[]> messages = new ArrayList<>();
        while (in.hasRemaining()) {
            if (in.remaining() < 4) {
                throw new IllegalArgumentException("a truncated batch");
            }
            int n = in.getInt();
            if (n < 0 || n > in.remaining()) {
                throw new IllegalArgumentException("a truncated batch");
            }
            byte[] m = new byte[n];
            in.get(m);
            messages.add(m);
        }
        return messages;
    }
}

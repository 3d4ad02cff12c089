package dev.midge.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;

/**
 * What one node is sent of a message: whether it is for the node's normal subscribers, which of
 * its shared groups ({@code $share/G/F}) deliver it (the publishing node picked this node for
 * them and no other), how often it was redirected, and the message as {@link MessageCodec}
 * bytes. The first byte tells it from a bare message of {@link MessageCodec} (format 1), which
 * a node delivers to all its subscribers.
 *
 * @param hops how many nodes sent it on because they had no member of its group any more
 */
record NodeDelivery(boolean normal, Set<String> shares, int hops, byte[] message) {

    private static final int FORMAT = 2;

    static boolean isNodeDelivery(byte[] data) {
        return data.length > 0 && data[0] == FORMAT;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 + 32 * shares.size() + message.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeBoolean(normal);
            out.writeByte(hops);
            out.writeShort(shares.size());
            for (String share : shares) {
                out.writeUTF(share);
            }
            out.write(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static NodeDelivery decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            in.readByte();
            boolean normal = in.readBoolean();
            int hops = in.readUnsignedByte();
            int n = in.readUnsignedShort();
            Set<String> shares = new HashSet<>(Math.max(2, n * 2));
            for (int i = 0; i < n; i++) {
                shares.add(in.readUTF());
            }
            return new NodeDelivery(normal, shares, hops, in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalArgumentException("a truncated message", e);
        }
    }
}

package dev.midge.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Sent by a node to the old node of a takeover, on the message link: everything the sender
 * routed there before this is there already (see {@link LiveHandover}). Its first byte tells it
 * from a {@link MessageCodec} message, whose first byte is its format version.
 */
record HandoverFence(String clientId, long epoch) {

    private static final byte TAG = (byte) 0xF0;

    static boolean is(byte[] data) {
        return data.length > 0 && data[0] == TAG;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(TAG);
            out.writeUTF(clientId);
            out.writeLong(epoch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static HandoverFence decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            in.readByte();
            return new HandoverFence(in.readUTF(), in.readLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

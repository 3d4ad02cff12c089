package dev.midge.cluster;

import dev.midge.broker.cluster.ClusterMessage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Who owns a client id in the cluster: the node, the epoch of its claim (each claim takes the
 * next one, so of two racing claims exactly one replaces the entry the other read), the username
 * (the takeover rule compares it), and the will of the connection there, if any, for a survivor
 * to send should that node die: {@code disconnectedAtMillis} (wall clock) is 0 while the client is
 * connected, else when its will's delay began on that node.
 */
record OwnerEntry(String node, long epoch, String username, ClusterMessage will, long willDelaySeconds,
                  long disconnectedAtMillis) {

    private static final int VERSION = 2;

    OwnerEntry(String node, long epoch, String username, ClusterMessage will, long willDelaySeconds) {
        this(node, epoch, username, will, willDelaySeconds, 0);
    }

    OwnerEntry withoutWill() {
        return new OwnerEntry(node, epoch, username, null, 0);
    }

    OwnerEntry disconnectedAt(long millis) {
        return new OwnerEntry(node, epoch, username, will, willDelaySeconds, millis);
    }

    /** Seconds of the will's delay left at {@code nowMillis}: all of it while the client was connected. */
    long willDelayLeft(long nowMillis) {
        if (disconnectedAtMillis == 0) {
            return willDelaySeconds;
        }
        return Math.max(0, willDelaySeconds - Math.max(0, nowMillis - disconnectedAtMillis) / 1000);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(node);
            out.writeLong(epoch);
            out.writeBoolean(username != null);
            if (username != null) {
                out.writeUTF(username);
            }
            out.writeBoolean(will != null);
            if (will != null) {
                byte[] w = MessageCodec.encode(will);
                out.writeInt(w.length);
                out.write(w);
                out.writeLong(willDelaySeconds);
            }
            out.writeLong(disconnectedAtMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static OwnerEntry decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION && version != 1) { // 1: written before the disconnect time
                throw new IllegalArgumentException("unknown ownership record version " + version);
            }
            String node = in.readUTF();
            long epoch = in.readLong();
            String username = in.readBoolean() ? in.readUTF() : null;
            ClusterMessage will = null;
            long delay = 0;
            if (in.readBoolean()) {
                will = MessageCodec.decode(in.readNBytes(in.readInt()));
                delay = in.readLong();
            }
            long disconnectedAt = version == 1 ? 0 : in.readLong();
            return new OwnerEntry(node, epoch, username, will, delay, disconnectedAt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

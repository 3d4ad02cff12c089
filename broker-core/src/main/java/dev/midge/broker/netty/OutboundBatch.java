package dev.midge.broker.netty;

import dev.midge.broker.message.Message;
import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.Outbound;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;

/**
 * The packets of one outbox run encoded straight into as few buffers as possible: one write
 * (and so, with TLS, a few full records instead of one small record per message) instead of a
 * Netty message, an encoder pass, a promise and a buffer per packet. Only packets whose bytes
 * need nothing from the pipeline are taken (PUBREL; PUBLISH without v5 properties and with no
 * outbound topic aliases installed); {@link OutboundPackets} and Netty's encoder do the rest,
 * after what was gathered before them, so the outbox's order is kept. Event loop only.
 */
final class OutboundBatch {

    /** A TLS record's plaintext at most: one buffer becomes one full record. */
    private static final int BUFFER_SIZE = 16 * 1024;

    private final Channel channel;
    private final boolean v5;
    private final boolean aliases;
    /** A mounted listener's pipeline takes the mount point off each PUBLISH's topic ({@link MountPointStrip}). */
    private final boolean mounted;
    private ByteBuf buffer;
    /** What went into buffers, for the broker's figures (Netty's encoder, and so PacketCounter, never sees them). */
    private int packets;
    private int publishes;
    private long publishPayloadBytes;

    /**
     * @param aliases whether the pipeline assigns v5 topic aliases (then PUBLISHes go through it)
     * @param mounted whether it strips a listener's mount point (the same)
     */
    OutboundBatch(Channel channel, boolean v5, boolean aliases, boolean mounted) {
        this.channel = channel;
        this.v5 = v5;
        this.aliases = aliases;
        this.mounted = mounted;
    }

    /** Encodes the packet into the batch; false (nothing done) if it must go as a Netty message. */
    boolean add(Outbound packet) {
        if (packet instanceof Outbound.PubRel rel) {
            // v5: reason code Success and no properties may be left out (§3.6.2.1).
            reserve(4).writeByte(0x62).writeByte(2).writeShort(rel.packetId());
            packets++;
            return true;
        }
        Outbound.Publish publish = (Outbound.Publish) packet;
        Delivery d = publish.delivery();
        Message m = d.message();
        if (mounted || v5 && (aliases || m.properties() != Message.ForwardedProperties.NONE
                || m.expiresAtNanos() != Message.NEVER || !d.subscriptionIdentifiers().isEmpty())) {
            return false;
        }
        int topicLength = ByteBufUtil.utf8Bytes(m.topic());
        int remaining = 2 + topicLength + (d.qos() > 0 ? 2 : 0) + (v5 ? 1 : 0) + m.payload().length;
        ByteBuf out = reserve(1 + varIntLength(remaining) + remaining);
        out.writeByte(0x30 | (publish.dup() ? 0x08 : 0) | d.qos() << 1 | (d.retain() ? 0x01 : 0));
        for (int value = remaining; ; value >>>= 7) {
            if (value < 0x80) {
                out.writeByte(value);
                break;
            }
            out.writeByte(value & 0x7F | 0x80);
        }
        out.writeShort(topicLength);
        ByteBufUtil.reserveAndWriteUtf8(out, m.topic(), topicLength);
        if (d.qos() > 0) {
            out.writeShort(publish.packetId());
        }
        if (v5) {
            out.writeByte(0); // no properties
        }
        out.writeBytes(m.payload());
        packets++;
        publishes++;
        publishPayloadBytes += m.payload().length;
        return true;
    }

    private ByteBuf reserve(int bytes) {
        if (buffer != null && buffer.maxFastWritableBytes() < bytes) {
            write();
        }
        if (buffer == null) {
            buffer = channel.alloc().ioBuffer(Math.max(bytes, BUFFER_SIZE));
        }
        return buffer;
    }

    /** Writes (does not flush) what was gathered: before a packet that goes as a Netty message, and at the end. */
    void write() {
        if (buffer != null) {
            ByteBuf out = buffer;
            buffer = null;
            channel.write(out, channel.voidPromise());
        }
    }

    int packets() {
        return packets;
    }

    int publishes() {
        return publishes;
    }

    long publishPayloadBytes() {
        return publishPayloadBytes;
    }

    private static int varIntLength(int value) {
        return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : 4;
    }
}

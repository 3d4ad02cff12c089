package dev.midge.broker.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.AttributeKey;

import java.util.List;

/**
 * Recognises mosquitto's bridge mark ({@code try_private}): a CONNECT whose protocol level has
 * the top bit set (0x83, 0x84) comes from a bridge. The bit is cleared before the decoder,
 * which knows only the plain levels, and the channel remembers it: a 3.1/3.1.1 bridge's
 * subscriptions are then no-local and retain-as-published, as in mosquitto, so a message it
 * published is never sent back to it (no ping-pong between bridged brokers). Reads the first
 * bytes only, then leaves the pipeline.
 */
final class BridgeProtocolMark extends ByteToMessageDecoder {

    static final AttributeKey<Boolean> BRIDGE = AttributeKey.valueOf("midge.bridge");

    /** Fixed header (at most 5), name length (2), "MQIsdp" (6), level (1). */
    private static final int ENOUGH = 14;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if ((in.getByte(start) & 0xF0) == 0x10) { // CONNECT
            int level = levelOffset(in, start, readable);
            if (level < 0 && readable < ENOUGH) {
                return; // wait for the rest of its header; a malformed one is the decoder's to judge
            }
            if (level >= 0 && (in.getByte(level) & 0x80) != 0) {
                in.setByte(level, in.getByte(level) & 0x7F);
                ctx.channel().attr(BRIDGE).set(Boolean.TRUE);
            }
        }
        out.add(in.readRetainedSlice(readable));
        ctx.pipeline().remove(this);
    }

    /** Where the protocol level byte is, or -1 if it has not arrived yet. */
    private static int levelOffset(ByteBuf in, int start, int readable) {
        int at = start + 1;
        for (int i = 0; i < 4; i++) {
            if (at - start >= readable) {
                return -1;
            }
            if ((in.getByte(at++) & 0x80) == 0) {
                break;
            }
        }
        if (at + 2 - start > readable) {
            return -1;
        }
        int level = at + 2 + in.getUnsignedShort(at);
        return level - start < readable ? level : -1;
    }
}

package dev.midge.broker.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * mosquitto's {@code try_private}: a bridge's CONNECT carries its protocol level with the top
 * bit set (0x83/0x84), so a mosquitto (or Midge) remote knows it is a bridge and does not send
 * it back what it published. Netty's encoder only writes valid levels, so the encoded CONNECT,
 * the first bytes written, is patched here; then this handler leaves the pipeline.
 */
final class TryPrivateMark extends ChannelOutboundHandlerAdapter {

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf && buf.readableBytes() > 2 && (buf.getByte(buf.readerIndex()) & 0xF0) == 0x10) {
            int at = buf.readerIndex() + 1;
            while ((buf.getByte(at) & 0x80) != 0) { // the remaining length's bytes
                at++;
            }
            at++;
            int nameLength = buf.getUnsignedShort(at);
            int level = at + 2 + nameLength;
            buf.setByte(level, buf.getByte(level) | 0x80);
            ctx.pipeline().remove(this);
        }
        ctx.write(msg, promise);
    }
}

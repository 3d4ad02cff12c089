package dev.midge.broker.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebSocketFrameCodecTest {

    @Test
    void binaryAndContinuationFramesBecomeBytesAndBytesBecomeBinaryFrames() {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocketFrameCodec());
        ch.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[]{0x10, 0x02})));
        ch.writeInbound(new ContinuationWebSocketFrame(Unpooled.wrappedBuffer(new byte[]{0x00, 0x04})));
        ByteBuf first = ch.readInbound();
        ByteBuf second = ch.readInbound();
        assertEquals(2, first.readableBytes());
        assertEquals(2, second.readableBytes());
        first.release();
        second.release();

        ch.writeOutbound(Unpooled.wrappedBuffer(new byte[]{(byte) 0xD0, 0x00}));
        BinaryWebSocketFrame out = ch.readOutbound();
        assertEquals(2, out.content().readableBytes());
        out.release();
        assertFalse(ch.finish());
    }

    @Test
    void textFrameClosesTheConnection() {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocketFrameCodec());
        ch.writeInbound(new TextWebSocketFrame("not mqtt"));
        assertFalse(ch.isOpen());
        assertTrue(ch.inboundMessages().isEmpty());
    }
}

package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.LeakRecorder;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.engine.MqttEngine;
import io.netty.buffer.ByteBuf;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a connection can make the broker hold, measured on the real pipeline with an allocator
 * that knows every buffer still referenced: before CONNECT at most a CONNECT of the bounded
 * size, and a packet announced larger is refused at its fixed header, before its body is read.
 */
class PacketSizeLimitTest {

    private static final int READ = 4096;
    private static final int HUGE = 200 * 1024 * 1024;

    private static ScheduledThreadPoolExecutor timer;
    private final TrackingAllocator allocator = new TrackingAllocator();
    private PeerChannel channel;
    /** The most bytes the pipeline held at once during the test. */
    private long peakHeld;

    static {
        LeakRecorder.install();
    }

    @BeforeAll
    static void startTimer() {
        timer = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("limit-timer", true));
    }

    @AfterAll
    static void stopTimer() {
        timer.shutdownNow();
        assertEquals(List.of(), LeakRecorder.collect(), "Netty reported leaked buffers");
    }

    @AfterEach
    void closeChannel() {
        if (channel != null) {
            channel.finishAndReleaseAll();
            timer.getQueue().clear();
            assertEquals(0, allocator.stillReferencedAndForget(), "buffers not released");
        }
    }

    private void open(BrokerOptions.Builder options) throws Exception {
        MqttEngine engine = new MqttEngine(options.listener(ListenerOptions.plain(1883)).build(), timer);
        channel = new PeerChannel(allocator, new MqttChannelInitializer(ListenerOptions.plain(1883), engine,
                Runnable::run, new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE)));
    }

    /** Hands the bytes to the pipeline as one read, unless it is closed; true if it was open. */
    private boolean read(byte[] bytes, int from, int length) {
        if (!channel.isOpen()) {
            return false;
        }
        channel.writeInbound(channel.alloc().buffer(length).writeBytes(bytes, from, length));
        channel.runPendingTasks();
        peakHeld = Math.max(peakHeld, allocator.bytesHeld());
        return true;
    }

    private boolean read(byte[] bytes) {
        return read(bytes, 0, bytes.length);
    }

    /** Sends a body of {@code length} zero bytes in socket-sized reads while the connection is open; returns how much was read. */
    private long sendBody(long length) {
        return sendBody(length, new byte[]{0});
    }

    /** The same, the body being the pattern repeated (a pattern of five bytes is an empty v5 user property). */
    private long sendBody(long length, byte[] pattern) {
        byte[] chunk = new byte[READ - READ % pattern.length];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = pattern[i % pattern.length];
        }
        long sent = 0;
        while (sent < length && read(chunk)) {
            sent += chunk.length;
        }
        return sent;
    }

    private static byte[] fixedHeader(int firstByte, int remainingLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        do {
            int digit = remainingLength % 128;
            remainingLength /= 128;
            out.write(remainingLength > 0 ? digit | 0x80 : digit);
        } while (remainingLength > 0);
        return out.toByteArray();
    }

    private static byte[] string(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b.length >> 8);
        out.write(b.length);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static byte[] string(String s) {
        return string(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void publishAnnouncing200MegabytesBeforeConnectIsRefusedAtItsFixedHeader() throws Exception {
        open(BrokerOptions.builder());
        read(fixedHeader(0x30, HUGE));
        long bodyRead = sendBody(1024 * 1024);

        assertTrue(peakHeld < 64 * 1024, "held " + peakHeld);
        assertEquals(0, bodyRead, "closed at the fixed header: no byte of the body was read");
        assertEquals(0, allocator.bytesHeld());
    }

    @Test
    void connectAnnouncingMoreThanTheBoundIsRefusedAtItsFixedHeader() throws Exception {
        open(BrokerOptions.builder());
        read(fixedHeader(0x10, PacketSizeLimit.MAX_CONNECT_SIZE + 1));

        assertFalse(channel.isOpen(), "closed at the fixed header");
        assertEquals(0, sendBody(1024 * 1024));
    }

    @Test
    void largestConnectIsAcceptedWithBoundedBuffering() throws Exception {
        open(BrokerOptions.builder());
        // A will payload and a password each at the MQTT maximum of 65,535 bytes would not fit;
        // one at the maximum and the other large does.
        byte[] body = concat(string("MQTT"), new byte[]{4, (byte) 0xC6, 0, 60}, string("big"),
                string("will/topic"), string(new byte[65_535]), string("user"), string(new byte[60_000]));
        byte[] connect = concat(fixedHeader(0x10, body.length), body);
        assertTrue(connect.length <= PacketSizeLimit.MAX_CONNECT_SIZE + 5, "the test's CONNECT fits the bound");

        for (int from = 0; from < connect.length; from += READ) {
            assertTrue(read(connect, from, Math.min(READ, connect.length - from)), "still open at " + from);
        }
        ByteBuf connack = channel.readOutbound();
        try {
            assertEquals(0x20, connack.getByte(0));
            assertEquals(0, connack.getByte(3), "accepted");
        } finally {
            connack.release();
        }
        assertTrue(peakHeld <= 2L * PacketSizeLimit.MAX_CONNECT_SIZE, "held " + peakHeld);
    }

    @Test
    void afterConnectAPacketOverTheMaximumPacketSizeIsRefusedAtItsFixedHeader() throws Exception {
        open(BrokerOptions.builder().messageSizeLimit(1000));
        read(concat(fixedHeader(0x10, 15), string("MQTT"), new byte[]{4, 2, 0, 60}, string("pub")));
        ByteBuf connack = channel.readOutbound();
        connack.release();

        read(concat(fixedHeader(0x30, HUGE), string("t")));
        assertFalse(channel.isOpen(), "closed at the fixed header");
        assertEquals(0, sendBody(1024 * 1024));
        assertTrue(peakHeld < 64 * 1024, "held " + peakHeld);
    }

    @Test
    void afterAV5ConnectAPublishWithHugePropertiesIsRefusedAtItsFixedHeader() throws Exception {
        open(BrokerOptions.builder().messageSizeLimit(1000));
        read(concat(fixedHeader(0x10, 16), string("MQTT"), new byte[]{5, 2, 0, 60, 0}, string("pub")));
        ByteBuf connack = channel.readOutbound();
        connack.release();

        // Property Length 100 MB: a decoder checking the size only after the variable header would wait for them all.
        read(concat(fixedHeader(0x30, HUGE), string("t"), new byte[]{(byte) 0x80, (byte) 0x80, (byte) 0x80, 0x30}));
        long bodyRead = sendBody(1024 * 1024, new byte[]{0x26, 0, 0, 0, 0});
        assertTrue(peakHeld < 64 * 1024, "held " + peakHeld);
        assertEquals(0, bodyRead);
    }

    /**
     * Netty's decoder re-parses an incomplete variable header on every read, so a v5 PUBLISH
     * whose properties arrive a read at a time cost time quadratic in their length. Handed
     * whole packets, it parses each once.
     */
    @Test
    void theDecoderIsHandedWholePacketsEvenWhenTheyArriveAReadAtATime() throws Exception {
        open(BrokerOptions.builder());
        List<Integer> handed = new java.util.ArrayList<>();
        channel.pipeline().addAfter("packetSize", "probe", new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf b) {
                    handed.add(b.readableBytes());
                }
                ctx.fireChannelRead(msg);
            }
        });
        byte[] connect = concat(fixedHeader(0x10, 16), string("MQTT"), new byte[]{5, 2, 0, 60, 0}, string("pub"));
        byte[] properties = new byte[40_000]; // 8,000 empty user properties
        for (int i = 0; i < properties.length; i += 5) {
            properties[i] = 0x26;
        }
        byte[] propertyLength = java.util.Arrays.copyOfRange(fixedHeader(0, properties.length), 1, 4);
        byte[] variableHeaderAndPayload = concat(string("t"), propertyLength, properties, new byte[]{'x'});
        byte[] publish = concat(fixedHeader(0x30, variableHeaderAndPayload.length), variableHeaderAndPayload);
        byte[] both = concat(connect, publish);

        for (int from = 0; from < both.length; from += READ) {
            assertTrue(read(both, from, Math.min(READ, both.length - from)), "still open at " + from);
        }
        assertEquals(List.of(connect.length, publish.length), handed);
        assertTrue(channel.isOpen(), "the PUBLISH was accepted");
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

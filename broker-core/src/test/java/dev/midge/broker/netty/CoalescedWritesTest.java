package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.LeakRecorder;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.engine.MqttEngine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What leaves the real pipeline, buffer by buffer: the acknowledgements of one read go out as
 * one buffer, and the messages one outbox run writes as one buffer (one write, one TLS record
 * instead of one each), byte for byte what a client decodes, in the order decided.
 */
class CoalescedWritesTest {

    private static ScheduledThreadPoolExecutor timer;
    private final TrackingAllocator allocator = new TrackingAllocator();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private MqttEngine engine;

    static {
        LeakRecorder.install();
    }

    @BeforeAll
    static void startTimer() {
        timer = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("coalesce-timer", true));
    }

    @AfterAll
    static void stopTimer() {
        timer.shutdownNow();
        assertEquals(List.of(), LeakRecorder.collect(), "Netty reported leaked buffers");
    }

    @AfterEach
    void close() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        timer.getQueue().clear();
        assertEquals(0, allocator.stillReferencedAndForget(), "buffers not released");
    }

    @Test
    void pubAcksOfOneReadLeaveAsOneBufferInTheOrderOfThePublishes() throws Exception {
        engine = new MqttEngine(BrokerOptions.builder().listener(ListenerOptions.plain(1883)).build(), timer);
        EmbeddedChannel pub = connect("pub", false);

        ByteArrayOutputStream read = new ByteArrayOutputStream();
        for (int id = 1; id <= 5; id++) {
            read.writeBytes(publish(false, "t/" + id, id, "m" + id, false));
        }
        read.writeBytes(new byte[]{(byte) 0xC0, 0}); // PINGREQ between them
        read.writeBytes(publish(false, "t/6", 6, "m6", false));
        read.writeBytes(publish(false, "t/7", 7, "m7", false));
        read(pub, read.toByteArray());

        assertEquals(hex(0x40, 2, 0, 1, 0x40, 2, 0, 2, 0x40, 2, 0, 3, 0x40, 2, 0, 4, 0x40, 2, 0, 5),
                nextBuffer(pub), "the five PUBACKs before the PINGREQ: one buffer");
        assertEquals(hex(0xD0, 0), nextBuffer(pub), "PINGRESP after them");
        assertEquals(hex(0x40, 2, 0, 6, 0x40, 2, 0, 7), nextBuffer(pub), "the two after it: one buffer");
        assertNull(pub.readOutbound());
    }

    @Test
    void messagesOfOneOutboxRunLeaveAsOneBufferThatDecodesToThemInOrder() throws Exception {
        engine = new MqttEngine(BrokerOptions.builder().listener(ListenerOptions.plain(1883)).build(), timer);
        EmbeddedChannel sub = connect("sub", false);
        subscribe(sub, false, "t/#", 1);
        EmbeddedChannel pub = connect("pub", false);

        ByteArrayOutputStream read = new ByteArrayOutputStream();
        for (int id = 1; id <= 5; id++) {
            read.writeBytes(publish(false, "t/" + id, id, "payload " + id, false));
        }
        read(pub, read.toByteArray());
        releaseAll(pub);
        sub.runPendingTasks();

        ByteBuf one = sub.readOutbound();
        assertNull(sub.readOutbound(), "one buffer for the five messages");
        List<MqttPublishMessage> got = decode(one, MqttVersion.MQTT_3_1_1);
        assertEquals(5, got.size());
        for (int i = 0; i < 5; i++) {
            MqttPublishMessage m = got.get(i);
            assertEquals("t/" + (i + 1), m.variableHeader().topicName());
            assertEquals(i + 1, m.variableHeader().packetId(), "packet ids in order from 1");
            assertEquals(1, m.fixedHeader().qosLevel().value());
            assertEquals("payload " + (i + 1), m.payload().toString(StandardCharsets.UTF_8));
        }
        got.forEach(ReferenceCountUtil::release);
    }

    /** v5 messages with properties take Netty's encoder, those without the batch: the order is the outbox's. */
    @Test
    void v5MessagesWithAndWithoutPropertiesKeepTheirOrder() throws Exception {
        engine = new MqttEngine(BrokerOptions.builder().listener(ListenerOptions.plain(1883)).build(), timer);
        EmbeddedChannel sub = connect("sub", true);
        subscribe(sub, true, "t/#", 1);
        EmbeddedChannel pub = connect("pub", true);

        ByteArrayOutputStream read = new ByteArrayOutputStream();
        for (int id = 1; id <= 6; id++) {
            read.writeBytes(publish(true, "t/" + id, id, "payload " + id, id % 2 == 0));
        }
        read(pub, read.toByteArray());
        releaseAll(pub);
        sub.runPendingTasks();

        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = sub.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        List<MqttPublishMessage> got = decode(all, MqttVersion.MQTT_5);
        assertEquals(6, got.size());
        for (int i = 0; i < 6; i++) {
            MqttPublishMessage m = got.get(i);
            assertEquals("payload " + (i + 1), m.payload().toString(StandardCharsets.UTF_8));
            List<? extends MqttProperties.MqttProperty> user = m.variableHeader().properties()
                    .getProperties(MqttProperties.MqttPropertyType.USER_PROPERTY.value());
            assertEquals((i + 1) % 2 == 0 ? 1 : 0, user.size(), "message " + (i + 1) + "'s user property");
        }
        got.forEach(ReferenceCountUtil::release);
    }

    // ---- a client's side, by hand ----

    private EmbeddedChannel connect(String clientId, boolean v5) throws Exception {
        EmbeddedChannel ch = new PeerChannel(allocator, new MqttChannelInitializer(ListenerOptions.plain(1883), engine,
                Runnable::run, new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE)));
        channels.add(ch);
        byte[] body = v5 ? concat(string("MQTT"), new byte[]{5, 2, 0, 60, 0}, string(clientId))
                : concat(string("MQTT"), new byte[]{4, 2, 0, 60}, string(clientId));
        read(ch, concat(new byte[]{0x10, (byte) body.length}, body));
        ByteBuf connack = ch.readOutbound();
        assertEquals(0x20, connack.getByte(0) & 0xFF);
        connack.release();
        return ch;
    }

    private void subscribe(EmbeddedChannel ch, boolean v5, String filter, int qos) {
        byte[] body = concat(new byte[]{0, 1}, v5 ? new byte[]{0} : new byte[0], string(filter), new byte[]{(byte) qos});
        read(ch, concat(new byte[]{(byte) 0x82, (byte) body.length}, body));
        ByteBuf suback = ch.readOutbound();
        assertEquals(0x90, suback.getByte(0) & 0xFF);
        suback.release();
    }

    private static byte[] publish(boolean v5, String topic, int packetId, String payload, boolean userProperty) {
        byte[] props = userProperty ? concat(new byte[]{0x26}, string("k"), string("v")) : new byte[0];
        byte[] body = concat(string(topic), new byte[]{(byte) (packetId >> 8), (byte) packetId},
                v5 ? concat(new byte[]{(byte) props.length}, props) : new byte[0],
                payload.getBytes(StandardCharsets.UTF_8));
        return concat(new byte[]{0x32, (byte) body.length}, body);
    }

    private static void read(EmbeddedChannel ch, byte[] bytes) {
        ch.writeInbound(ch.alloc().buffer(bytes.length).writeBytes(bytes));
        ch.runPendingTasks();
    }

    private static String nextBuffer(EmbeddedChannel ch) {
        ByteBuf b = ch.readOutbound();
        try {
            return ByteBufUtil.hexDump(b);
        } finally {
            b.release();
        }
    }

    private static void releaseAll(EmbeddedChannel ch) {
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ReferenceCountUtil.release(m);
        }
    }

    /** Decodes (and releases) the bytes as a client of that version would. */
    private static List<MqttPublishMessage> decode(ByteBuf bytes, MqttVersion version) {
        EmbeddedChannel client = new EmbeddedChannel(new MqttDecoder());
        client.attr(AttributeKey.<MqttVersion>valueOf("NETTY_CODEC_MQTT_VERSION")).set(version);
        client.writeInbound(bytes);
        List<MqttPublishMessage> out = new ArrayList<>();
        for (Object m; (m = client.readInbound()) != null; ) {
            assertEquals(true, ((MqttMessage) m).decoderResult().isSuccess(), "decodes: " + m);
            out.add((MqttPublishMessage) m);
        }
        client.finishAndReleaseAll();
        return out;
    }

    private static String hex(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return ByteBufUtil.hexDump(b);
    }

    private static byte[] string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[]{(byte) (b.length >> 8), (byte) b.length}, b);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

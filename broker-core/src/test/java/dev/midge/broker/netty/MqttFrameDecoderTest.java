package dev.midge.broker.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribePayload;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MqttFrameDecoder} against byte-exact frames: every packet type a client sends, in
 * 3.1, 3.1.1 and 5.0, decodes to what Netty's {@code MqttDecoder} made of the same bytes (the
 * engine consumes those objects), whether the bytes come whole, split at every byte boundary,
 * one at a time or several packets in one buffer; and each refusal is a failed message in the
 * packet's place, after which nothing more is decoded.
 */
class MqttFrameDecoderTest {

    private static final int MAX = 1 << 20;

    // --- sessions of byte-exact packets ------------------------------------------------------

    static byte[] v311Session() {
        return concat(
                connect("MQTT", 4, 0xC2 | 0x04 | 0x08 | 0x20, 60, null, str("dev-1"), willV3("will/t", "bye"),
                        str("user"), bin("pass")),
                publish(0x30, "sensors/a/temp", -1, null, "21.5"),
                publish(0x32, "sensors/a/temp", 7, null, "21.6"), // same topic again: the cached String
                publish(0x3D, "sensors/b", 8, null, ""),          // QoS 2, DUP, RETAIN, empty payload
                packet(0x40, u16(7)), packet(0x50, u16(8)), packet(0x62, u16(8)), packet(0x70, u16(9)),
                packet(0x82, concat(u16(10), str("a/+"), b(1), str("b/#"), b(2))),
                packet(0xA2, concat(u16(11), str("a/+"), str("b/#"))),
                packet(0xC0, new byte[0]),
                packet(0xE0, new byte[0]));
    }

    static byte[] v5Session() {
        byte[] props = concat(b(0x02), i32(30), b(0x01), b(1), b(0x03), str("text/plain"), b(0x08), str("re/ply"),
                b(0x09), bin("corr"), b(0x23), u16(3), b(0x26), str("k"), str("v"), b(0x26), str("k"), str("w"));
        return concat(
                connect("MQTT", 5, 0xC2 | 0x04 | 0x10, 30,
                        properties(b(0x11), i32(3600), b(0x21), u16(20), b(0x27), i32(65536), b(0x22), u16(10),
                                b(0x19), b(1), b(0x15), str("SCRAM"), b(0x16), bin("data")),
                        str("dev-5"), concat(properties(b(0x18), i32(5), b(0x01), b(1)), str("will/5"), bin("gone")),
                        str("u5"), bin("p5")),
                publish(0x30, "t/5", -1, properties(), "x"),
                publish(0x32, "t/5", 1, properties(props), "payload"),
                publish(0x34, "", 2, properties(b(0x23), u16(3)), "by alias"),
                packet(0x40, u16(1)),                                           // PUBACK, 2 bytes
                packet(0x50, concat(u16(2), b(0x10))),                          // PUBREC with a reason code
                packet(0x62, concat(u16(2), b(0x92), properties(b(0x1F), str("why")))),
                packet(0x70, concat(u16(3), b(0), properties())),
                packet(0x82, concat(u16(4), properties(b(0x0B), vbi(200), b(0x26), str("a"), str("b")),
                        str("$share/g/x"), b(0x2E), str("y/#"), b(0x01))),
                packet(0xA2, concat(u16(5), properties(), str("y/#"))),
                packet(0xF0, concat(b(0x18), properties(b(0x15), str("SCRAM"), b(0x16), bin("more")))), // AUTH
                packet(0xC0, new byte[0]),
                packet(0xE0, concat(b(0x04), properties(b(0x11), i32(0)))));
    }

    static byte[] v31Session() {
        return concat(
                connect("MQIsdp", 3, 0x02, 10, null, str("old-client"), null, null, null),
                publish(0x32, "legacy/t", 3, null, "v"),
                packet(0x40, u16(3)),
                packet(0xC0, new byte[0]),
                packet(0xE0, new byte[0]));
    }

    // --- whole, split, coalesced -------------------------------------------------------------

    @Test
    void decodesEverySessionAsNettyDidWhenTheBytesComeWhole() {
        for (byte[] session : List.of(v311Session(), v5Session(), v31Session())) {
            List<String> expected = netty(session);
            assertTrue(expected.size() > 4);
            assertFalse(expected.toString().contains("failure"), expected.toString());
            assertEquals(expected, ours(List.of(session)));
        }
    }

    @Test
    void decodesTheSameWhenTheBytesAreSplitAtEveryByteBoundary() {
        for (byte[] session : List.of(v311Session(), v5Session(), v31Session())) {
            List<String> expected = netty(session);
            for (int cut = 1; cut < session.length; cut++) {
                List<String> got = ours(List.of(slice(session, 0, cut), slice(session, cut, session.length)));
                assertEquals(expected, got, "split at byte " + cut);
            }
        }
    }

    @Test
    void decodesTheSameOneByteAtATime() {
        for (byte[] session : List.of(v311Session(), v5Session(), v31Session())) {
            List<byte[]> bytes = new ArrayList<>();
            for (int i = 0; i < session.length; i++) {
                bytes.add(slice(session, i, i + 1));
            }
            assertEquals(netty(session), ours(bytes));
        }
    }

    @Test
    void decodesEveryPacketOfAReadWithManyPackets() {
        byte[] connect = connect("MQTT", 4, 0x02, 60, null, str("many"), null, null, null);
        ByteArrayOutputStream many = new ByteArrayOutputStream();
        for (int i = 1; i <= 200; i++) {
            // Topics of one length that differ in one byte, and a repeated one that is not ASCII.
            String topic = i % 5 < 3 ? "fan/in/" + (i % 3) : "fan/\u00efn/\u00fc";
            many.writeBytes(publish(0x32, topic, i, null, "m" + i));
            many.writeBytes(packet(0x40, u16(i)));
        }
        byte[] session = concat(connect, many.toByteArray());
        List<String> expected = netty(session);
        assertEquals(401, expected.size());
        assertEquals(expected, ours(List.of(connect, many.toByteArray())));
    }

    @Test
    void aPublishPayloadIsARetainedSliceOfTheReadAndItsTopicAndHeadersAreReused() {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttFrameDecoder(MAX));
        ch.writeInbound(Unpooled.wrappedBuffer(connect("MQTT", 4, 0x02, 60, null, str("c"), null, null, null)));
        ReferenceCountUtil.release(ch.readInbound());
        ByteBuf read = Unpooled.wrappedBuffer(concat(publish(0x30, "a/b", -1, null, "one"),
                publish(0x30, "a/b", -1, null, "two")));
        ch.writeInbound(read);
        MqttPublishMessage first = ch.readInbound();
        MqttPublishMessage second = ch.readInbound();
        try {
            assertSame(first.variableHeader().topicName(), second.variableHeader().topicName());
            assertSame(first.variableHeader(), second.variableHeader()); // QoS 0, no properties: immutable, shared
            assertSame(first.fixedHeader(), second.fixedHeader());
            assertSame(read, first.payload().unwrap()); // not a copy
            assertEquals("one", first.payload().toString(StandardCharsets.UTF_8));
            assertEquals("two", second.payload().toString(StandardCharsets.UTF_8));
        } finally {
            first.release();
            second.release();
        }
        assertFalse(ch.finish());
        assertEquals(0, read.refCnt());
    }

    @Test
    void theVersionOfTheConnectDecidesHowLaterPacketsAreRead() {
        // The same PUBLISH bytes: a v5 connection reads a property length after the packet id.
        byte[] publish = publish(0x32, "t", 1, properties(), "p");
        List<String> v5 = ours(List.of(connect("MQTT", 5, 0x02, 60, properties(), str("c"), null, null, null),
                publish));
        assertTrue(v5.get(1).contains("payload=70"), v5.toString());
        List<String> v311 = ours(List.of(connect("MQTT", 4, 0x02, 60, null, str("c"), null, null, null), publish));
        assertTrue(v311.get(1).contains("payload=0070"), v311.toString());
        EmbeddedChannel ch = new EmbeddedChannel(new MqttFrameDecoder(MAX));
        ch.writeInbound(Unpooled.wrappedBuffer(connect("MQTT", 5, 0x02, 60, properties(), str("c"), null, null, null)));
        ReferenceCountUtil.release(ch.readInbound());
        assertEquals(MqttVersion.MQTT_5, ch.attr(MqttFrameDecoder.MQTT_VERSION).get()); // what MqttEncoder reads
        ch.finishAndReleaseAll();
    }

    // --- refusals ----------------------------------------------------------------------------

    @Test
    void refusesWhatNettyRefusedAndDecodesNothingAfterIt() {
        byte[] c311 = connect("MQTT", 4, 0x02, 60, null, str("c"), null, null, null);
        byte[] c5 = connect("MQTT", 5, 0x02, 60, properties(), str("c"), null, null, null);
        byte[] after = packet(0xC0, new byte[0]);
        assertRefused(c311, publish(0x36, "t", 1, null, "q3"), DecoderException.class, "Illegal QOS Level");
        assertRefused(c311, packet(0x60, u16(1)), DecoderException.class, "must be 1, found 0"); // PUBREL flags
        assertRefused(c311, packet(0x48, u16(1)), DecoderException.class, "Illegal BIT 3");
        assertRefused(c311, packet(0xC1, new byte[0]), DecoderException.class, "Illegal BIT 0");
        assertRefused(c311, packet(0x80, concat(u16(1), str("a"), b(0))), DecoderException.class, "must be 1");
        assertRefused(c311, publish(0x30, "a/#", -1, null, "x"), DecoderException.class,
                "invalid publish topic name");
        assertRefused(c311, publish(0x32, "a", 0, null, "x"), DecoderException.class, "invalid messageId: 0");
        assertRefused(c311, packet(0x40, u16(0)), DecoderException.class, "invalid messageId");
        assertRefused(c311, new byte[]{0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01},
                DecoderException.class, "remaining length exceeds 4 digits");
        assertRefused(c311, new byte[]{0x30, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01},
                TooLongFrameException.class, "message length exceeds");
        assertRefused(c311, packet(0x30, concat(u16(10), "ab".getBytes(StandardCharsets.US_ASCII))),
                DecoderException.class, "runs past the end");
        assertRefused(c311, packet(0xF0, new byte[0]), DecoderException.class, "AUTH message requires");
        assertRefused(c311, packet(0x00, new byte[0]), DecoderException.class, "unknown message type: 0");
        assertRefused(c311, packet(0x82, concat(u16(1), str("a"), b(3))), IllegalArgumentException.class, "QoS");
        assertRefused(c311, packet(0x40, concat(u16(1), b(0), b(0), b(9))), DecoderException.class, "non-zero");
        assertRefused(c5, publish(0x30, "t", -1, properties(b(0x7F), b(0)), "x"), DecoderException.class,
                "unknown property type: 127");
        assertRefused(c5, publish(0x30, "t", -1, concat(b(5), b(0x23)), "x"), DecoderException.class,
                "runs past the end");
        assertRefused(c5, publish(0x30, "t", -1, properties(b(0x23), b(0)), "x"), DecoderException.class,
                "runs past the end"); // a property running past its property length
        // The packets before the refused one in the same read still go on, in order.
        List<String> got = ours(List.of(concat(c311, after, publish(0x36, "t", 1, null, "q3"), after)));
        assertEquals(3, got.size(), got.toString());
        assertTrue(got.get(1).startsWith("PINGREQ"), got.toString());
        assertTrue(got.get(2).startsWith("failure"), got.toString());
    }

    @Test
    void aRefusedPublishKeepsItsFixedHeaderForTheQos0DupRule() {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttFrameDecoder(MAX));
        ch.writeInbound(Unpooled.wrappedBuffer(connect("MQTT", 4, 0x02, 60, null, str("c"), null, null, null)));
        ReferenceCountUtil.release(ch.readInbound());
        ch.writeInbound(Unpooled.wrappedBuffer(publish(0x38, "a/+", -1, null, "x")));
        MqttMessage m = ch.readInbound();
        assertTrue(m.decoderResult().isFailure());
        assertNotNull(m.fixedHeader());
        assertTrue(InboundPublish.qos0WithDup(m.fixedHeader()));
        ch.finishAndReleaseAll();
    }

    @Test
    void aConnectItCannotAcceptIsRefusedAsConnectRefusalExpects() {
        assertFirstRefused(connect("MQTT", 6, 0x02, 60, null, str("c"), null, null, null),
                MqttUnacceptableProtocolVersionException.class);
        assertFirstRefused(connect("MQIsdp", 4, 0x02, 60, null, str("c"), null, null, null),
                MqttUnacceptableProtocolVersionException.class);
        assertFirstRefused(connect("MQIsdp", 3, 0x02, 60, null, str(""), null, null, null),
                MqttIdentifierRejectedException.class);
        assertFirstRefused(connect("MQTT", 4, 0x03, 60, null, str("c"), null, null, null), DecoderException.class);
        // The user name flag set, the user name missing: a field past the packet's end.
        assertFirstRefused(packet(0x10, concat(str("MQTT"), b(4), b(0x82), u16(60), str("c"))), DecoderException.class);
    }

    @Test
    void aWillTopicOverNettysLimitIsReadAsAbsent() {
        String longTopic = "t".repeat(32_768);
        List<String> got = ours(List.of(connect("MQTT", 4, 0x06, 60, null, str("c"),
                concat(str(longTopic), bin("w")), null, null)));
        assertEquals(netty(connect("MQTT", 4, 0x06, 60, null, str("c"), concat(str(longTopic), bin("w")), null, null)),
                got);
        assertTrue(got.get(0).contains("willTopic=null"), got.get(0));
    }

    private static void assertRefused(byte[] connect, byte[] bad, Class<? extends Throwable> cause, String words) {
        for (int cut = 0; cut <= bad.length; cut++) { // the refusal is the same however the bytes arrive
            EmbeddedChannel ch = new EmbeddedChannel(new MqttFrameDecoder(MAX));
            ch.writeInbound(Unpooled.wrappedBuffer(connect));
            ReferenceCountUtil.release(ch.readInbound());
            ch.writeInbound(Unpooled.wrappedBuffer(slice(bad, 0, cut)));
            ch.writeInbound(Unpooled.wrappedBuffer(concat(slice(bad, cut, bad.length), packet(0xC0, new byte[0]))));
            MqttMessage m = ch.readInbound();
            assertNotNull(m, HexFormat.of().formatHex(bad));
            assertTrue(m.decoderResult().isFailure(), describe(m));
            assertInstanceOf(cause, m.decoderResult().cause());
            assertTrue(m.decoderResult().cause().getMessage().contains(words), m.decoderResult().cause().getMessage());
            assertNull(ch.readInbound(), "nothing is decoded after a refusal");
            ch.writeInbound(Unpooled.wrappedBuffer(packet(0xC0, new byte[0])));
            assertNull(ch.readInbound());
            assertFalse(ch.finishAndReleaseAll());
        }
    }

    private static void assertFirstRefused(byte[] connect, Class<? extends Throwable> cause) {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttFrameDecoder(MAX));
        ch.writeInbound(Unpooled.wrappedBuffer(connect));
        MqttMessage m = ch.readInbound();
        assertTrue(m.decoderResult().isFailure());
        assertInstanceOf(cause, m.decoderResult().cause());
        ch.finishAndReleaseAll();
    }

    // --- decoding with either decoder --------------------------------------------------------

    /** What Netty's decoder makes of the bytes, fed whole. */
    static List<String> netty(byte[] bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttDecoder(MAX, 65_535));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        List<String> all = drain(ch);
        ch.finishAndReleaseAll(); // an incomplete last packet's bytes
        return all;
    }

    static List<String> ours(List<byte[]> reads) {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttFrameDecoder(MAX));
        List<String> all = new ArrayList<>();
        for (byte[] read : reads) {
            ch.writeInbound(Unpooled.wrappedBuffer(read));
            all.addAll(drain(ch));
        }
        ch.finishAndReleaseAll(); // an incomplete last packet's bytes
        return all;
    }

    private static List<String> drain(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            try {
                out.add(describe((MqttMessage) o));
            } finally {
                ReferenceCountUtil.release(o);
            }
        }
        return out;
    }

    /** Every field the engine may read, so two decoders agree exactly when these strings do. */
    static String describe(MqttMessage m) {
        if (m.decoderResult().isFailure()) {
            return "failure " + m.decoderResult().cause();
        }
        var h = m.fixedHeader();
        StringBuilder s = new StringBuilder(h.messageType() + " dup=" + h.isDup() + " qos=" + h.qosLevel()
                + " retain=" + h.isRetain() + " remaining=" + h.remainingLength());
        Object v = m.variableHeader();
        if (v instanceof MqttConnectVariableHeader c) {
            s.append(" name=").append(c.name()).append(" version=").append(c.version()).append(" user=")
                    .append(c.hasUserName()).append(" password=").append(c.hasPassword()).append(" willRetain=")
                    .append(c.isWillRetain()).append(" willQos=").append(c.willQos()).append(" will=")
                    .append(c.isWillFlag()).append(" clean=").append(c.isCleanSession()).append(" keepAlive=")
                    .append(c.keepAliveTimeSeconds()).append(" props=").append(props(c.properties()));
        } else if (v instanceof MqttPublishVariableHeader p) {
            s.append(" topic=").append(p.topicName()).append(" id=").append(p.packetId()).append(" props=")
                    .append(props(p.properties()));
        } else if (v instanceof MqttPubReplyMessageVariableHeader r) {
            s.append(" id=").append(r.messageId()).append(" reason=").append(r.reasonCode()).append(" props=")
                    .append(props(r.properties()));
        } else if (v instanceof MqttMessageIdAndPropertiesVariableHeader i) {
            s.append(" id=").append(i.messageId()).append(" props=").append(props(i.properties()));
        } else if (v instanceof MqttMessageIdVariableHeader i) {
            s.append(" id=").append(i.messageId());
        } else if (v instanceof MqttReasonCodeAndPropertiesVariableHeader r) {
            s.append(" reason=").append(r.reasonCode()).append(" props=").append(props(r.properties()));
        } else if (v != null) {
            s.append(" ?").append(v.getClass().getSimpleName());
        }
        Object p = m.payload();
        if (p instanceof ByteBuf b) {
            s.append(" payload=").append(ByteBufUtil.hexDump(b));
        } else if (p instanceof MqttConnectPayload c) {
            s.append(" clientId=").append(c.clientIdentifier()).append(" willProps=").append(props(c.willProperties()))
                    .append(" willTopic=").append(c.willTopic()).append(" willMessage=").append(hex(c.willMessageInBytes()))
                    .append(" userName=").append(c.userName()).append(" password=").append(hex(c.passwordInBytes()));
        } else if (p instanceof MqttSubscribePayload sub) {
            for (MqttTopicSubscription t : sub.topicSubscriptions()) {
                s.append(" [").append(t.topicFilter()).append(' ').append(t.option()).append(']');
            }
        } else if (p instanceof MqttUnsubscribePayload u) {
            s.append(" filters=").append(u.topics());
        } else if (p != null) {
            s.append(" ?").append(p.getClass().getSimpleName());
        }
        return s.toString();
    }

    private static String props(MqttProperties props) {
        List<String> all = new ArrayList<>();
        for (MqttProperties.MqttProperty<?> p : props.listAll()) {
            Object value = p.value();
            String text = value instanceof byte[] bytes ? hex(bytes)
                    : value instanceof MqttProperties.UserProperties u ? u.value().toString()
                    : value instanceof MqttProperties.StringPair pair ? pair.key + "=" + pair.value
                    : String.valueOf(value);
            all.add(p.propertyId() + ":" + p.getClass().getSimpleName() + ":" + text);
        }
        return all.toString();
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? "null" : HexFormat.of().formatHex(bytes);
    }

    // --- byte-exact packets ------------------------------------------------------------------

    static byte[] connect(String name, int level, int flags, int keepAlive, byte[] properties, byte[] clientId,
                          byte[] will, byte[] user, byte[] password) {
        return packet(0x10, concat(str(name), b(level), b(flags), u16(keepAlive), orEmpty(properties), clientId,
                orEmpty(will), orEmpty(user), orEmpty(password)));
    }

    static byte[] willV3(String topic, String message) {
        return concat(str(topic), bin(message));
    }

    static byte[] publish(int first, String topic, int packetId, byte[] properties, String payload) {
        return packet(first, concat(str(topic), packetId < 0 ? new byte[0] : u16(packetId), orEmpty(properties),
                payload.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] packet(int first, byte[] body) {
        return concat(b(first), vbi(body.length), body);
    }

    static byte[] properties(byte[]... each) {
        byte[] all = concat(each);
        return concat(vbi(all.length), all);
    }

    static byte[] vbi(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        do {
            int digit = value & 0x7F;
            value >>>= 7;
            out.write(value > 0 ? digit | 0x80 : digit);
        } while (value > 0);
        return out.toByteArray();
    }

    static byte[] str(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return concat(u16(bytes.length), bytes);
    }

    static byte[] bin(String s) {
        return str(s);
    }

    static byte[] u16(int v) {
        return new byte[]{(byte) (v >> 8), (byte) v};
    }

    static byte[] i32(int v) {
        return new byte[]{(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }

    static byte[] b(int v) {
        return new byte[]{(byte) v};
    }

    private static byte[] orEmpty(byte[] bytes) {
        return bytes == null ? new byte[0] : bytes;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }
}

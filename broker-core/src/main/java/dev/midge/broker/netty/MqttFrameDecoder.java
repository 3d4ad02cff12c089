package dev.midge.broker.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The broker's MQTT decoder: frames on the fixed header and Remaining Length, waits (without
 * reading anything) until a packet is whole, then decodes it in one pass into Netty's
 * {@code MqttMessage} types, which the rest of the pipeline consumes. Netty's {@code MqttDecoder}
 * did the same work with a fixed-header object, a state machine and a fresh
 * {@code MqttProperties} per packet; on a device fan-in that was a quarter of the broker's CPU
 * after TLS. Here a PUBLISH costs its topic (the last one is reused when the same bytes come
 * again, as from a device publishing to one topic), a payload slice retained from the
 * cumulation (no copy) and the message object, with its fixed header (and for QoS 0 its
 * variable header) reused while they repeat; acknowledgements and PINGREQ share theirs.
 *
 * <p>Refusals are Netty's: a packet that breaks the fixed-header rules (MQTT-2.2.2-2, QoS 3), is
 * over {@code maxBytesInMessage} ({@link TooLongFrameException}), has a malformed Remaining
 * Length or field, a wildcard in a PUBLISH topic or packet id 0 becomes one message whose
 * {@link DecoderResult} is the failure, and everything after it is discarded: the handlers
 * behind close the connection with the reason code ({@link ProtocolViolation}). Unlike
 * Netty's, a field is never read past its packet's end, and a packet must be used exactly
 * (its Remaining Length is the frame; Netty read the rest as the next packet). Strings are
 * decoded as leniently as Netty does (invalid UTF-8 becomes U+FFFD, which {@code TopicFilter}
 * and {@code ConnectPacket} refuse). CONNECT, SUBSCRIBE, UNSUBSCRIBE and AUTH are in
 * {@link MqttControlPackets}.
 *
 * <p>The protocol version comes from the CONNECT and is kept in this decoder and in Netty's
 * channel attribute, which {@code MqttEncoder} reads to write v5 packets. Public only for the
 * benchmarks (the package is not exported).
 */
public final class MqttFrameDecoder extends ByteToMessageDecoder {

    /** Netty's own key ({@code MqttCodecUtil}): the encoder writes v5 fields when it says MQTT_5. */
    static final AttributeKey<MqttVersion> MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private static final MqttFixedHeader PUBACK = ackHeader(MqttMessageType.PUBACK, MqttQoS.AT_MOST_ONCE);
    private static final MqttFixedHeader PUBREC = ackHeader(MqttMessageType.PUBREC, MqttQoS.AT_MOST_ONCE);
    private static final MqttFixedHeader PUBREL = ackHeader(MqttMessageType.PUBREL, MqttQoS.AT_LEAST_ONCE);
    private static final MqttFixedHeader PUBCOMP = ackHeader(MqttMessageType.PUBCOMP, MqttQoS.AT_MOST_ONCE);
    private static final MqttFixedHeader DISCONNECT =
            new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0);
    private static final MqttReasonCodeAndPropertiesVariableHeader NORMAL_DISCONNECT =
            new MqttReasonCodeAndPropertiesVariableHeader((byte) 0, MqttProperties.NO_PROPERTIES);

    private final int maxBytesInMessage;
    private final MqttControlPackets control;
    /** Null until a CONNECT set it (or it is read from the channel): 3.1.1 rules until then, as Netty. */
    private MqttVersion version;
    /** After a refusal every byte is discarded: the connection is being closed. */
    private boolean failed;
    /** The last PUBLISH topic handed on, handed on again while the same bytes repeat. */
    private String lastTopic = "";
    /** The last PUBLISH fixed header and its first byte, reused while both repeat. */
    private MqttFixedHeader lastPublishHeader;
    private int lastPublishFirst = -1;
    /** The last QoS 0 PUBLISH variable header without properties, reused while its topic repeats. */
    private MqttPublishVariableHeader lastQos0Header;

    public MqttFrameDecoder(int maxBytesInMessage) {
        this.maxBytesInMessage = maxBytesInMessage;
        this.control = new MqttControlPackets(this);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.isReadable()) {
            int start = in.readerIndex();
            int first = in.getUnsignedByte(start);
            int remaining = 0;
            int headerLength = 0;
            for (int i = 1; i <= 4; i++) {
                if (start + i >= in.writerIndex()) {
                    return; // the rest of the fixed header has not arrived
                }
                int b = in.getUnsignedByte(start + i);
                remaining |= (b & 0x7F) << (7 * (i - 1));
                if ((b & 0x80) == 0) {
                    headerLength = i + 1;
                    break;
                }
            }
            MqttFixedHeader header = null;
            try {
                if (headerLength == 0) {
                    throw new DecoderException("remaining length exceeds 4 digits (" + typeName(first >> 4) + ')');
                }
                header = fixedHeader(first, remaining);
                if (remaining > maxBytesInMessage) {
                    throw new TooLongFrameException("message length exceeds " + maxBytesInMessage + ": " + remaining);
                }
                if (in.writerIndex() - start - headerLength < remaining) {
                    return; // wait for the whole packet; nothing has been read
                }
                int body = start + headerLength;
                int end = body + remaining;
                in.readerIndex(body);
                MqttMessage m = decodeBody(ctx, header, in, end);
                if (in.readerIndex() != end) {
                    throw new DecoderException("non-zero remaining payload bytes: " + (end - in.readerIndex())
                            + " (" + header.messageType() + ')');
                }
                out.add(m);
            } catch (RuntimeException e) {
                failed = true;
                in.skipBytes(in.readableBytes());
                out.add(new MqttMessage(header, null, null, DecoderResult.failure(e)));
            }
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        }
    }

    private MqttMessage decodeBody(ChannelHandlerContext ctx, MqttFixedHeader header, ByteBuf in, int end) {
        return switch (header.messageType()) {
            case PUBLISH -> publish(header, in, end);
            case PUBACK -> new MqttPubAckMessage(header, pubReply(in, end));
            case PUBREC, PUBREL, PUBCOMP -> new MqttMessage(header, pubReply(in, end));
            case PINGREQ -> MqttMessage.PINGREQ;
            case DISCONNECT -> new MqttMessage(header, reasonCodeAndProperties(in, end));
            case AUTH -> new MqttMessage(header, reasonCodeAndProperties(in, end));
            case CONNECT -> control.connect(ctx, header, in, end);
            case SUBSCRIBE -> control.subscribe(header, in, end);
            case UNSUBSCRIBE -> control.unsubscribe(header, in, end);
            // Server-to-client types: decoded as Netty would not help, the session handler refuses them.
            default -> new MqttMessage(header, skip(in, end));
        };
    }

    private MqttPublishMessage publish(MqttFixedHeader header, ByteBuf in, int end) {
        String topic = topic(in, end);
        if (topic.indexOf('#') >= 0 || topic.indexOf('+') >= 0) {
            throw new DecoderException("invalid publish topic name: " + topic + " (contains wildcards)");
        }
        int packetId = header.qosLevel() == MqttQoS.AT_MOST_ONCE ? -1 : MqttFields.packetId(in, end);
        MqttProperties properties = isV5() ? MqttFields.properties(in, end) : MqttProperties.NO_PROPERTIES;
        MqttPublishVariableHeader variableHeader = lastQos0Header;
        if (packetId != -1 || properties != MqttProperties.NO_PROPERTIES || variableHeader == null
                || variableHeader.topicName() != topic) {
            variableHeader = new MqttPublishVariableHeader(topic, packetId, properties);
            // Immutable, and for QoS 0 without properties only the topic: the same while the topic repeats.
            lastQos0Header = packetId == -1 && properties == MqttProperties.NO_PROPERTIES ? variableHeader : null;
        }
        ByteBuf payload = in.readRetainedSlice(end - in.readerIndex());
        return new MqttPublishMessage(header, variableHeader, payload);
    }

    /**
     * The topic, as the same String as last time when its bytes are the same ASCII (a device
     * publishes to one topic): no decoding, no new String, and its hash is already computed for
     * the routing cache. A miss costs the comparison up to the first difference and nothing else.
     */
    private String topic(ByteBuf in, int end) {
        int length = MqttFields.length(in, end);
        int at = in.readerIndex();
        String topic = sameAscii(in, at, length, lastTopic) ? lastTopic
                : in.toString(at, length, StandardCharsets.UTF_8);
        lastTopic = topic;
        in.skipBytes(length);
        return topic;
    }

    private static boolean sameAscii(ByteBuf in, int at, int length, String s) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = in.getByte(at + i);
            if (b < 0 || b != s.charAt(i)) { // a byte over 0x7F is part of a multi-byte character
                return false;
            }
        }
        return true;
    }

    /** PUBACK/PUBREC/PUBREL/PUBCOMP: packet id, then (v5) a reason code and properties when present. */
    private static MqttPubReplyMessageVariableHeader pubReply(ByteBuf in, int end) {
        int packetId = MqttFields.packetId(in, end);
        if (in.readerIndex() == end) {
            return new MqttPubReplyMessageVariableHeader(packetId, (byte) 0, MqttProperties.NO_PROPERTIES);
        }
        byte reasonCode = in.readByte();
        MqttProperties properties = in.readerIndex() == end ? MqttProperties.NO_PROPERTIES
                : MqttFields.properties(in, end);
        return new MqttPubReplyMessageVariableHeader(packetId, reasonCode, properties);
    }

    /** DISCONNECT and AUTH: an optional reason code, then optional properties. */
    private static MqttReasonCodeAndPropertiesVariableHeader reasonCodeAndProperties(ByteBuf in, int end) {
        if (in.readerIndex() == end) {
            return NORMAL_DISCONNECT;
        }
        byte reasonCode = in.readByte();
        MqttProperties properties = in.readerIndex() == end ? MqttProperties.NO_PROPERTIES
                : MqttFields.properties(in, end);
        return new MqttReasonCodeAndPropertiesVariableHeader(reasonCode, properties);
    }

    private static Object skip(ByteBuf in, int end) {
        in.readerIndex(end);
        return null;
    }

    /** Checks the flags of the first byte (MQTT-2.2.2-2, QoS 3) as Netty did, with its words. */
    private MqttFixedHeader fixedHeader(int first, int remaining) { // not static: reuses lastPublishHeader
        int typeValue = first >> 4;
        if (typeValue == 0) {
            throw new DecoderException("unknown message type: 0");
        }
        MqttMessageType type = MqttMessageType.valueOf(typeValue);
        int flags = first & 0x0F;
        boolean dup = (flags & 0x08) != 0;
        int qos = (flags & 0x06) >> 1;
        boolean retain = (flags & 0x01) != 0;
        switch (type) {
            case PUBLISH -> {
                if (qos == 3) {
                    throw new DecoderException("Illegal QOS Level in fixed header of PUBLISH message (3)");
                }
                if (first != lastPublishFirst || lastPublishHeader.remainingLength() != remaining) {
                    lastPublishHeader = new MqttFixedHeader(type, dup, MqttQoS.valueOf(qos), retain, remaining);
                    lastPublishFirst = first;
                }
                return lastPublishHeader; // immutable: the same flags and length give the same header
            }
            case PUBREL, SUBSCRIBE, UNSUBSCRIBE -> {
                if (dup) {
                    throw illegalBit(3, type);
                }
                if (qos != 1) {
                    throw new DecoderException("Illegal QOS Level in fixed header of " + type
                            + " message, must be 1, found " + qos);
                }
                if (retain) {
                    throw illegalBit(0, type);
                }
            }
            default -> {
                if (dup) {
                    throw illegalBit(3, type);
                }
                if (qos != 0) {
                    throw new DecoderException("Illegal BIT 2 or 1 in fixed header of " + type
                            + " message, must be 0, found " + qos);
                }
                if (retain) {
                    throw illegalBit(0, type);
                }
                if (type == MqttMessageType.AUTH && !isV5()) {
                    throw new DecoderException("AUTH message requires at least MQTT 5");
                }
            }
        }
        return switch (type) {
            case PUBACK -> remaining == 2 ? PUBACK : new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, remaining);
            case PUBREC -> remaining == 2 ? PUBREC : new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, remaining);
            case PUBREL -> remaining == 2 ? PUBREL : new MqttFixedHeader(type, false, MqttQoS.AT_LEAST_ONCE, false, remaining);
            case PUBCOMP -> remaining == 2 ? PUBCOMP : new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, remaining);
            case DISCONNECT -> remaining == 0 ? DISCONNECT : new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, remaining);
            default -> new MqttFixedHeader(type, false, MqttQoS.valueOf(qos), false, remaining);
        };
    }

    private static DecoderException illegalBit(int bit, MqttMessageType type) {
        return new DecoderException("Illegal BIT " + bit + " in fixed header of " + type + " message, must be 0, found 1");
    }

    private static MqttFixedHeader ackHeader(MqttMessageType type, MqttQoS qos) {
        return new MqttFixedHeader(type, false, qos, false, 2);
    }

    private static String typeName(int type) {
        return type == 0 ? "reserved packet type 0" : MqttMessageType.valueOf(type).name();
    }

    /** Called by {@link MqttControlPackets} once a CONNECT named its version. */
    void version(ChannelHandlerContext ctx, MqttVersion v) {
        version = v;
        ctx.channel().attr(MQTT_VERSION).set(v);
    }

    boolean isV5() {
        return version == MqttVersion.MQTT_5;
    }

    /** A decoder added after CONNECT (or in a test) starts with the version the channel already has. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        version = ctx.channel().attr(MQTT_VERSION).get();
    }
}

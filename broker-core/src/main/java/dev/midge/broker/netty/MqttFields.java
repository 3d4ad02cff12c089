package dev.midge.broker.netty;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.mqtt.MqttProperties;

import java.nio.charset.StandardCharsets;

/**
 * Reading MQTT's data representations (§1.5: two-byte integers, UTF-8 strings, binary data,
 * Variable Byte Integers, v5 properties) from a packet whose last byte is at {@code end - 1}:
 * a field that would run past the packet is malformed, never read from the next one.
 */
final class MqttFields {

    private MqttFields() {
    }

    /** A packet identifier; 0 is not one (MQTT-2.3.1-1). */
    static int packetId(ByteBuf in, int end) {
        int id = unsignedShort(in, end);
        if (id == 0) {
            throw new DecoderException("invalid messageId: 0");
        }
        return id;
    }

    static int unsignedShort(ByteBuf in, int end) {
        need(in, end, 2);
        return in.readUnsignedShort();
    }

    static int unsignedByte(ByteBuf in, int end) {
        need(in, end, 1);
        return in.readUnsignedByte();
    }

    /** The two-byte length of a string or binary field, checked against what is left of the packet. */
    static int length(ByteBuf in, int end) {
        int length = unsignedShort(in, end);
        need(in, end, length);
        return length;
    }

    /** Decoded as leniently as Netty's decoder: invalid UTF-8 becomes U+FFFD for the callers to refuse. */
    static String string(ByteBuf in, int end) {
        int length = length(in, end);
        String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return s;
    }

    static byte[] binary(ByteBuf in, int end) {
        byte[] bytes = new byte[length(in, end)];
        in.readBytes(bytes);
        return bytes;
    }

    /** A Variable Byte Integer (§1.5.5): at most four bytes. */
    static int variableByteInteger(ByteBuf in, int end) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int b = unsignedByte(in, end);
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new DecoderException("MQTT protocol limits Remaining Length to 4 bytes");
    }

    /**
     * A v5 property list (§2.2.2) as Netty's {@code MqttProperties}, which the engine reads;
     * {@link MqttProperties#NO_PROPERTIES} when empty, so most packets allocate none. Types and
     * values as Netty's decoder gave them (a repeated property replaces the earlier one, except
     * User Property and Subscription Identifier, which accumulate).
     */
    static MqttProperties properties(ByteBuf in, int end) {
        int length = variableByteInteger(in, end);
        need(in, end, length);
        if (length == 0) {
            return MqttProperties.NO_PROPERTIES;
        }
        int propertiesEnd = in.readerIndex() + length;
        MqttProperties properties = new MqttProperties();
        while (in.readerIndex() < propertiesEnd) {
            int id = variableByteInteger(in, propertiesEnd);
            properties.add(property(id, in, propertiesEnd));
        }
        return properties;
    }

    private static MqttProperties.MqttProperty<?> property(int id, ByteBuf in, int end) {
        return switch (id) {
            case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> // one-byte values
                    new MqttProperties.IntegerProperty(id, unsignedByte(in, end));
            case 0x13, 0x21, 0x22, 0x23 -> // Server Keep Alive, Receive Maximum, Topic Alias Maximum, Topic Alias
                    new MqttProperties.IntegerProperty(id, unsignedShort(in, end));
            case 0x02, 0x11, 0x18, 0x27 -> { // four-byte intervals and Maximum Packet Size
                need(in, end, 4);
                yield new MqttProperties.IntegerProperty(id, in.readInt());
            }
            case 0x0B -> new MqttProperties.IntegerProperty(id, variableByteInteger(in, end)); // Subscription Identifier
            case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> new MqttProperties.StringProperty(id, string(in, end));
            case 0x26 -> new MqttProperties.UserProperty(string(in, end), string(in, end));
            case 0x09, 0x16 -> new MqttProperties.BinaryProperty(id, binary(in, end)); // Correlation / Authentication Data
            default -> throw new DecoderException("unknown property type: " + id);
        };
    }

    private static void need(ByteBuf in, int end, int bytes) {
        if (end - in.readerIndex() < bytes) {
            throw new DecoderException("malformed packet: a field of " + bytes + " bytes runs past the end of the "
                    + (end - in.readerIndex()) + " left");
        }
    }
}

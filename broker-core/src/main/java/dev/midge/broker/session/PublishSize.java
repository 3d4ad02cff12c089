package dev.midge.broker.session;

import dev.midge.broker.message.Message;

import java.util.Map;

/**
 * The encoded size of a PUBLISH, so a message larger than a client's Maximum Packet Size is
 * dropped for that client instead of sent (MQTT 5 §3.1.2.11.4).
 */
public final class PublishSize {

    private PublishSize() {
    }

    public static long of(Delivery delivery, boolean v5) {
        Message m = delivery.message();
        long remaining = 2 + utf8(m.topic()) + (delivery.qos() > 0 ? 2 : 0) + m.payload().length;
        if (v5) {
            long props = 0;
            Message.ForwardedProperties p = m.properties();
            if (p.payloadFormatIndicator() != null) props += 2;
            if (p.contentType() != null) props += 3 + utf8(p.contentType());
            if (p.responseTopic() != null) props += 3 + utf8(p.responseTopic());
            if (p.correlationData() != null) props += 3 + p.correlationData().length;
            for (Map.Entry<String, String> u : p.userProperties()) {
                props += 5 + utf8(u.getKey()) + utf8(u.getValue());
            }
            if (m.expiresAtNanos() != Message.NEVER) props += 5;
            props += 3; // a Topic Alias the connection may add
            for (int id : delivery.subscriptionIdentifiers()) {
                props += 1 + varIntLength(id);
            }
            remaining += varIntLength(props) + props;
        }
        return 1 + varIntLength(remaining) + remaining;
    }

    static int varIntLength(long value) {
        int n = 1;
        while (value >= 128) {
            value >>= 7;
            n++;
        }
        return n;
    }

    /** UTF-8 length without encoding a copy (a surrogate pair is four bytes, a lone one '?': one). */
    private static int utf8(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++; // String.getBytes writes '?' for a lone surrogate
            } else {
                n += 3;
            }
        }
        return n;
    }
}

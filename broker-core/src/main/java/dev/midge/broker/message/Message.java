package dev.midge.broker.message;

import java.util.List;
import java.util.Map;

/**
 * An application message as the broker routes it: immutable, so one instance (and one payload
 * array) is shared by every subscriber it goes to.
 *
 * @param topic          the topic name
 * @param payload        the bytes; never modified after construction
 * @param qos            the QoS it was published with
 * @param retain         the RETAIN flag as published
 * @param properties     the v5 properties forwarded unchanged to subscribers
 * @param expiresAtNanos {@link System#nanoTime()} at which it expires, or {@link #NEVER}
 * @param publisherId    the client id of the publisher, or null for the application
 */
public record Message(String topic, byte[] payload, int qos, boolean retain, ForwardedProperties properties,
                      long expiresAtNanos, String publisherId) {

    public static final long NEVER = Long.MAX_VALUE;

    /** v5 properties the broker passes on to subscribers as the publisher set them. */
    public record ForwardedProperties(Integer payloadFormatIndicator, String contentType, String responseTopic,
                                      byte[] correlationData, List<Map.Entry<String, String>> userProperties) {
        public static final ForwardedProperties NONE = new ForwardedProperties(null, null, null, null, List.of());

        public ForwardedProperties {
            userProperties = List.copyOf(userProperties);
        }
    }

    public static Message of(String topic, byte[] payload, int qos, boolean retain) {
        return new Message(topic, payload, qos, retain, ForwardedProperties.NONE, NEVER, null);
    }

    public boolean isExpired(long nowNanos) {
        return expiresAtNanos != NEVER && nowNanos - expiresAtNanos >= 0;
    }

    /** Whole seconds left before expiry (at least 1 while not expired), or -1 without expiry. */
    public long remainingExpirySeconds(long nowNanos) {
        if (expiresAtNanos == NEVER) {
            return -1;
        }
        long leftNanos = expiresAtNanos - nowNanos;
        return Math.max(1, (leftNanos + 999_999_999L) / 1_000_000_000L);
    }

    public Message withRetain(boolean flag) {
        return flag == retain ? this
                : new Message(topic, payload, qos, flag, properties, expiresAtNanos, publisherId);
    }

    public Message withQos(int newQos) {
        return newQos == qos ? this
                : new Message(topic, payload, newQos, retain, properties, expiresAtNanos, publisherId);
    }
}

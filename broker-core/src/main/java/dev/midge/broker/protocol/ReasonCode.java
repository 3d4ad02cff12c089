package dev.midge.broker.protocol;

/**
 * The MQTT 5 reason codes the broker sends (§2.4), named as the spec names them, so that no
 * packet is built from a bare hex number. Plain Java: the engine decides reason codes without
 * knowing Netty; the transport writes {@link #value()}. 3.1.1 has only SUBACK's 0x80 Failure,
 * which is {@link #UNSPECIFIED_ERROR}'s value.
 */
public enum ReasonCode {
    SUCCESS(0x00),
    DISCONNECT_WITH_WILL_MESSAGE(0x04),
    NO_SUBSCRIPTION_EXISTED(0x11),
    UNSPECIFIED_ERROR(0x80),
    MALFORMED_PACKET(0x81),
    PROTOCOL_ERROR(0x82),
    NOT_AUTHORIZED(0x87),
    KEEP_ALIVE_TIMEOUT(0x8D),
    SESSION_TAKEN_OVER(0x8E),
    TOPIC_FILTER_INVALID(0x8F),
    TOPIC_NAME_INVALID(0x90),
    PACKET_IDENTIFIER_NOT_FOUND(0x92),
    RECEIVE_MAXIMUM_EXCEEDED(0x93),
    TOPIC_ALIAS_INVALID(0x94),
    PACKET_TOO_LARGE(0x95),
    QUOTA_EXCEEDED(0x97),
    ADMINISTRATIVE_ACTION(0x98),
    RETAIN_NOT_SUPPORTED(0x9A),
    QOS_NOT_SUPPORTED(0x9B);

    private final int value;

    ReasonCode(int value) {
        this.value = value;
    }

    /** The byte on the wire. */
    public int value() {
        return value;
    }

    /** Codes of 0x80 and above are failures (§2.4). */
    public boolean isFailure() {
        return value >= 0x80;
    }

    /** Failure codes of a v5 acknowledgement (PUBACK, PUBREC, PUBREL, PUBCOMP) from its byte. */
    public static boolean isFailure(int wireValue) {
        return (wireValue & 0xFF) >= 0x80;
    }
}

package dev.midge.broker.protocol;

/**
 * What the transport does with a client's PUBLISH once the {@link ClientSession} has decided:
 * constants, so that answering costs no allocation per message.
 */
public enum PublishAnswer {
    /** QoS 0: nothing to answer. */
    NONE(null, false),
    /** PUBACK/PUBREC Success, once what the message changed is on disk. */
    ACCEPTED(ReasonCode.SUCCESS, true),
    /** v5 PUBACK/PUBREC Not authorized (3.1.1 has no negative acknowledgement: it gets {@link #ACCEPTED}). */
    NOT_AUTHORIZED(ReasonCode.NOT_AUTHORIZED, true),
    /** v5 PUBACK/PUBREC Quota exceeded: the store cannot write, nothing was routed; at once. */
    QUOTA_EXCEEDED(ReasonCode.QUOTA_EXCEEDED, false),
    /**
     * 3.1.1 while the store cannot write: close without an acknowledgement, so the client
     * resends the message when it reconnects.
     */
    CLOSE_UNACKNOWLEDGED(null, false),
    /** A protocol violation: close (v5 DISCONNECT Receive Maximum exceeded). */
    RECEIVE_MAXIMUM_EXCEEDED(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED, false),
    /**
     * mosquitto's {@code memory_limit} is reached: the message is dropped and the publisher disconnected, as
     * mosquitto does (v5 DISCONNECT Quota exceeded; 3.1.1 closed, and it resends a QoS 1/2 message on reconnect).
     */
    MEMORY_LIMIT_EXCEEDED(ReasonCode.QUOTA_EXCEEDED, false);

    private final ReasonCode reasonCode;
    private final boolean waitsForDisk;

    PublishAnswer(ReasonCode reasonCode, boolean waitsForDisk) {
        this.reasonCode = reasonCode;
        this.waitsForDisk = waitsForDisk;
    }

    /** The reason code of the acknowledgement or DISCONNECT, or null when none is sent. */
    public ReasonCode reasonCode() {
        return reasonCode;
    }

    /** Whether the acknowledgement waits until what the message changed is on disk. */
    public boolean waitsForDisk() {
        return waitsForDisk;
    }
}

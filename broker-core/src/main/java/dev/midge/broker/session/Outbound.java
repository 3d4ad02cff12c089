package dev.midge.broker.session;

/** A packet a session wants sent to its client; the connection turns it into bytes. */
public sealed interface Outbound {

    /** A PUBLISH; packetId is 0 for QoS 0. */
    record Publish(int packetId, Delivery delivery, boolean dup) implements Outbound {
    }

    /** A PUBREL for an outbound QoS 2 message the client has PUBREC'd. */
    record PubRel(int packetId) implements Outbound {
    }
}

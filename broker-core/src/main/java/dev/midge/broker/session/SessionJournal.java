package dev.midge.broker.session;

/**
 * Where a persistent session records the QoS 1/2 messages it owes its client, so that they
 * survive a crash of the broker. Each message gets a sequence number, increasing per session,
 * that orders it on restore. Calls are made under the session's lock, so they must not block:
 * an implementation queues the write and returns.
 */
public interface SessionJournal {

    /**
     * Records (or updates) a message owed to the client: queued ({@code packetId} 0) or in
     * flight under {@code packetId}, {@code released} once the client sent PUBREC.
     */
    void owed(String clientId, long sequence, int packetId, boolean released, Delivery delivery);

    /** The message is completed, dropped or expired: forget it. */
    void settled(String clientId, long sequence);

    /**
     * An inbound QoS 2 message was routed and will be PUBREC'd under this packet identifier:
     * kept until PUBREL, so a PUBLISH resent after a crash is not routed twice.
     */
    void qos2Received(String clientId, int packetId);

    /** PUBREL for an inbound QoS 2 message: forget its packet identifier. */
    void qos2Released(String clientId, int packetId);
}

package dev.midge.broker.security;

/**
 * Decides, per message, what a client may write and read. Called on the event loop for every
 * publish, subscribe and delivery, so an implementation must be fast and must not block:
 * keep the rules in memory and swap them atomically on reload.
 */
public interface Authorizer {

    /** May this client publish to this topic name? */
    boolean canPublish(ClientIdentity client, String topic);

    /** May this client subscribe to this topic filter (wildcards included)? */
    boolean canSubscribe(ClientIdentity client, String topicFilter);

    /**
     * May this client receive a message published on this topic name? Checked at delivery,
     * so that a wildcard subscription never leaks a topic the client may not read.
     */
    boolean canReceive(ClientIdentity client, String topic);

    static Authorizer allowAll() {
        return new Authorizer() {
            @Override public boolean canPublish(ClientIdentity client, String topic) { return true; }
            @Override public boolean canSubscribe(ClientIdentity client, String topicFilter) { return true; }
            @Override public boolean canReceive(ClientIdentity client, String topic) { return true; }
        };
    }
}

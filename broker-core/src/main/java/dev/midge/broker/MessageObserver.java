package dev.midge.broker;

import dev.midge.broker.security.ClientIdentity;

/** Sees every message the broker accepts, for applications that embed it. */
@FunctionalInterface
public interface MessageObserver {

    /**
     * @param publisher the client that sent it, or null for a message the application published
     * @param payload   a copy the observer may keep
     */
    void onMessage(ClientIdentity publisher, String topic, byte[] payload, int qos, boolean retain);
}

package dev.midge.broker;

import dev.midge.broker.security.ClientIdentity;

/** Sees every message the broker accepts from clients and the application, for applications that embed it (not the broker's own {@code $SYS} figures). */
@FunctionalInterface
public interface MessageObserver {

    /**
     * @param publisher the client that sent it, or null for a message the application published
     * @param payload   a copy the observer may keep
     */
    void onMessage(ClientIdentity publisher, String topic, byte[] payload, int qos, boolean retain);
}

package dev.midge.broker.cluster;

/** How the cluster's session ownership reaches into the engine. Implemented by the engine; called on the link's threads. */
public interface SessionInbox {

    /**
     * Another node owns the client id now: its connection here is closed as taken over (MQTT 5:
     * DISCONNECT 0x8E) and its session forgotten here, not ended (it lives on over there).
     */
    void release(String clientId);

    /** The client's node died: its session continues here, offline, until it reconnects somewhere. */
    void adopt(String clientId, SessionImage image);

    /** The client's node died while it was connected: its will goes out from here, after its delay. */
    void will(String clientId, String username, ClusterMessage will, long delaySeconds);
}

package dev.midge.broker.cluster;

/** How the cluster's session ownership reaches into the engine. Implemented by the engine; called on the link's threads. */
public interface SessionInbox {

    /**
     * Another node owns the client id now: its connection here is closed as taken over (MQTT 5:
     * DISCONNECT 0x8E). A persistent session stays here, offline, still taking its messages and
     * keeping its routes, until {@link #letGo}; any other is forgotten here at once, not ended.
     */
    void release(String clientId);

    /**
     * The session released here is now routed to its new node, and every node has sent this one
     * what it routed here before: it is forgotten here, not ended (it lives on over there).
     */
    void letGo(String clientId);

    /** The client's node died: its session continues here, offline, until it reconnects somewhere. */
    void adopt(String clientId, SessionImage image);

    /** The client's node died while it was connected: its will goes out from here, after its delay. */
    void will(String clientId, String username, ClusterMessage will, long delaySeconds);
}

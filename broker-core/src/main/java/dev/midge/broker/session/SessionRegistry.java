package dev.midge.broker.session;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Every session by client id, connected or not. Thread-safe. */
public final class SessionRegistry {

    private final ConcurrentMap<String, Session> sessions = new ConcurrentHashMap<>();

    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    public void put(Session session) {
        sessions.put(session.clientId(), session);
    }

    /** Removes the session only if it is still this instance (a newer one may have replaced it). */
    public boolean remove(Session session) {
        return sessions.remove(session.clientId(), session);
    }

    public Collection<Session> all() {
        return List.copyOf(sessions.values());
    }

    public boolean isConnected(String clientId) {
        Session s = sessions.get(clientId);
        return s != null && s.isConnected();
    }

    public void clear() {
        sessions.clear();
    }
}

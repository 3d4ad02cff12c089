package dev.midge.broker.session;

import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * Who may see what, for one owner of a session: every authorisation decision the broker makes
 * — publish, will, subscribe, receive (live, queued, in flight, restored, retained) — is asked
 * here, so "who may see what" can be checked in one class. Each denial is logged for people,
 * bounded so a client cannot flood the log. One per connection (so its log limits start over
 * with each connection), plus one for a session restored or claimed before it attaches.
 */
public final class Permissions {

    private static final Logger LOG = LoggerFactory.getLogger(Permissions.class);

    /** Enough to show what a misconfigured device is trying; a client cycling topics gets one summary line. */
    static final int DENIED_TOPICS_LOGGED = 16;

    private final ClientIdentity identity;
    private final Authorizer authorizer;
    /** Denied PUBLISH topics already warned about (event loop only); bounded, so it cannot grow with the client's input. */
    private final Set<String> deniedPublishLogged = new HashSet<>();
    private boolean deniedPublishSummaryLogged;
    /** A message it may not receive was dropped and logged (under the session's lock). */
    private boolean receiveDeniedLogged;

    public Permissions(ClientIdentity identity, Authorizer authorizer) {
        this.identity = identity;
        this.authorizer = authorizer;
    }

    public ClientIdentity identity() {
        return identity;
    }

    /** A PUBLISH from this client; a denied topic is logged once (at most {@link #DENIED_TOPICS_LOGGED}). */
    public boolean mayPublish(String topic) {
        boolean allowed = clientMayWrite(topic) && authorizer.canPublish(identity, topic);
        if (!allowed) {
            logDeniedPublish(topic);
        }
        return allowed;
    }

    /** The will is checked like any publish by its client, at the time it is sent; no line (the client is gone). */
    public boolean mayPublishWill(String topic) {
        return identity != null && clientMayWrite(topic) && authorizer.canPublish(identity, topic);
    }

    /**
     * {@code $SYS} is the broker's own: as in mosquitto (security.c, acl__check_dollar) a client may
     * write there only a bridge's {@code $SYS/broker/connection/NAME/state}, and then only if its
     * ACL allows it. A refused publish is answered as any ACL denial (3.1.1: PUBACK, dropped; v5: 0x87).
     */
    static boolean clientMayWrite(String topic) {
        if (!topic.startsWith("$SYS")) {
            return true;
        }
        String[] levels = topic.split("/", -1);
        return levels.length == 5 && levels[0].equals("$SYS") && levels[1].equals("broker")
                && levels[2].equals("connection") && levels[4].equals("state");
    }

    /** A SUBSCRIBE filter; each denial is logged (a client sends few). */
    public boolean maySubscribe(String filter) {
        boolean allowed = authorizer.canSubscribe(identity, filter);
        if (!allowed) {
            LOG.warn("Denied SUBSCRIBE from client {} (username {}) to '{}'.", describe(),
                    LogSafe.text(identity.username()), LogSafe.text(filter));
        }
        return allowed;
    }

    /**
     * Whether the session's owner may read a message, asked where a delivery is handed to the
     * connection (or queued for it), against the rules of now. One log line per connection,
     * not per message. Called under the session's lock.
     */
    boolean mayReceive(String clientId, String topic) {
        boolean allowed;
        try {
            allowed = identity != null && authorizer.canReceive(identity, topic);
        } catch (RuntimeException e) {
            LOG.error("The authoriser failed for client {} on '{}'; the message was not delivered.",
                    LogSafe.text(clientId), LogSafe.text(topic), e);
            return false;
        }
        if (!allowed && !receiveDeniedLogged) {
            receiveDeniedLogged = true;
            LOG.warn("Client {} (username {}) may not receive '{}': dropped; more such messages for this "
                    + "connection are dropped without a line.", LogSafe.text(clientId),
                    LogSafe.text(identity == null ? null : identity.username()), LogSafe.text(topic));
        }
        return allowed;
    }

    /**
     * One warning per client and topic, so a device retrying a denied topic can't flood the log;
     * past {@link #DENIED_TOPICS_LOGGED} topics one last line says the rest go unlogged, so
     * neither the log nor this connection's memory grows with the number of topics it tries.
     */
    private void logDeniedPublish(String topic) {
        if (deniedPublishLogged.contains(topic)) {
            return;
        }
        if (deniedPublishLogged.size() < DENIED_TOPICS_LOGGED) {
            deniedPublishLogged.add(topic);
            LOG.warn("Denied PUBLISH from client {} (username {}) to '{}'.", describe(),
                    LogSafe.text(identity.username()), LogSafe.text(topic));
        } else if (!deniedPublishSummaryLogged) {
            deniedPublishSummaryLogged = true;
            LOG.warn("Denied PUBLISH from client {} (username {}) to '{}' and more topics than {}; "
                    + "its further denied topics are not logged.", describe(),
                    LogSafe.text(identity.username()), LogSafe.text(topic), DENIED_TOPICS_LOGGED);
        }
    }

    /** "client ID from 1.2.3.4:5678", as the transport's lines name a client. */
    public String describe() {
        InetSocketAddress a = identity.remoteAddress();
        String clientId = LogSafe.text(identity.clientId());
        if (a == null) {
            return clientId;
        }
        return clientId + " from " + (a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress())
                + ":" + a.getPort();
    }
}

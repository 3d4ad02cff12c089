package dev.midge.broker.security;

/**
 * What happens when a client connects with a client id whose session (live or persistent)
 * belongs to a different username. The username is the identity that owns a session: the
 * certificate's with {@code use_identity_as_username}/{@code use_subject_as_username}, else
 * the one the authenticator accepted; anonymous clients all share the null username.
 */
public enum ClientIdTakeover {
    /**
     * Refused with CONNACK 0x85 Client Identifier not valid (3.1.1: 0x02 identifier rejected);
     * the owner's connection and session are left alone. The default: otherwise any device can
     * read another's queued messages and push it off the broker by reusing its client id.
     */
    SAME_USERNAME,
    /**
     * mosquitto's behaviour: the newcomer gets the client id, the owner's connection is closed,
     * but the session is ended (subscriptions, queued and in-flight messages dropped, Session
     * Present 0) rather than handed over, so nothing authorised for one identity reaches another.
     */
    ANY_USERNAME
}

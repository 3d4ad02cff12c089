package dev.midge.broker.security;

/**
 * Which client ids a username may use, checked after authentication; a CONNECT outside it is
 * refused with 0x85 Client Identifier not valid (3.1.1: 0x02 identifier rejected). Binding ids
 * to usernames keeps one device's sessions out of another's reach altogether.
 */
public enum ClientIdBinding {
    /** Any client id (MQTT's and mosquitto's rule). */
    NONE,
    /** The client id must equal the username. */
    EQUAL,
    /** The client id must equal the username or start with {@code username:} (dojot's {@code tenant:device}). */
    PREFIX;

    /** Whether a client authenticated as {@code username} may use {@code clientId}. */
    public boolean allows(String clientId, String username) {
        return switch (this) {
            case NONE -> true;
            case EQUAL -> username != null && clientId.equals(username);
            case PREFIX -> username != null && (clientId.equals(username)
                    || (clientId.length() > username.length() + 1 && clientId.startsWith(username)
                        && clientId.charAt(username.length()) == ':'));
        };
    }
}

package dev.midge.broker.retained;

import dev.midge.broker.security.ClientIdentity;

/**
 * Who published a retained message, kept with it so that mosquitto's {@code check_retain_source} can
 * ask, when the message is about to go to a new subscriber, whether that publisher may still write
 * the topic under the ACL as it is now.
 *
 * @param clientId     the publisher's client id
 * @param username     its effective username (certificate-derived or CONNECT), or null
 * @param listenerPort the local port of the listener it came in on (0 for a unix socket), which picks
 *                     the listener's own ACL with {@code per_listener_settings}
 */
public record RetainedSource(String clientId, String username, int listenerPort) {

    /** The source of a client's message, or null for one the broker or the application published. */
    public static RetainedSource of(ClientIdentity publisher) {
        return publisher == null ? null
                : new RetainedSource(publisher.clientId(), publisher.username(), publisher.listenerPort());
    }

    /** The identity the authoriser is asked about: no address or certificate, as they are gone. */
    public ClientIdentity identity() {
        return new ClientIdentity(clientId, username, null, listenerPort, null);
    }
}

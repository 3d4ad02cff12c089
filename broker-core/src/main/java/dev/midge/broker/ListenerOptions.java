package dev.midge.broker;

import dev.midge.broker.security.Authenticator;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.TlsSecurity;
import dev.midge.broker.listener.JsseListenerSecurity;
import dev.midge.broker.listener.ListenerSecurity;

/**
 * One listening socket.
 *
 * @param port               TCP port; 0 picks a free one (see {@link MidgeBroker#listenerAddresses()})
 * @param bindAddress        host or address to bind, or null for all interfaces
 * @param protocol           MQTT over TCP, or MQTT over WebSockets (subprotocol "mqtt")
 * @param security           TLS for this listener, or null for plain TCP; embedders set it with
 *                           {@link #withTls(TlsSecurity)} (the type is Midge-internal: it speaks Netty)
 * @param maxConnections     connections accepted at once; -1 for no limit
 * @param authenticator      this listener's authenticator, or null to use the broker's
 * @param authorizer         this listener's authoriser, or null to use the broker's
 * @param usernameAsClientId mosquitto's {@code use_username_as_clientid}: a client's id is replaced
 *                           by its (authenticated) username; a client without one is refused
 */
public record ListenerOptions(int port, String bindAddress, Protocol protocol, ListenerSecurity security,
                              int maxConnections, Authenticator authenticator, Authorizer authorizer,
                              boolean usernameAsClientId) {

    public enum Protocol { MQTT, WEBSOCKETS }

    public ListenerOptions(int port, String bindAddress, Protocol protocol, ListenerSecurity security,
                           int maxConnections, Authenticator authenticator, Authorizer authorizer) {
        this(port, bindAddress, protocol, security, maxConnections, authenticator, authorizer, false);
    }

    public static ListenerOptions plain(int port) {
        return new ListenerOptions(port, null, Protocol.MQTT, null, -1, null, null, false);
    }

    public ListenerOptions withBindAddress(String address) {
        return new ListenerOptions(port, address, protocol, security, maxConnections, authenticator, authorizer,
                usernameAsClientId);
    }

    public ListenerOptions withProtocol(Protocol p) {
        return new ListenerOptions(port, bindAddress, p, security, maxConnections, authenticator, authorizer,
                usernameAsClientId);
    }

    /** TLS on this listener, from a JSSE SSLContext: {@code withTls(TlsSecurity.of(context, true))}. */
    public ListenerOptions withTls(TlsSecurity tls) {
        return withSecurity(new JsseListenerSecurity(tls));
    }

    /** For Midge's own modules (broker-tls): the Netty-facing seam. Closed with the broker. */
    public ListenerOptions withSecurity(ListenerSecurity s) {
        return new ListenerOptions(port, bindAddress, protocol, s, maxConnections, authenticator, authorizer,
                usernameAsClientId);
    }

    public ListenerOptions withMaxConnections(int max) {
        return new ListenerOptions(port, bindAddress, protocol, security, max, authenticator, authorizer,
                usernameAsClientId);
    }

    public ListenerOptions withAuthenticator(Authenticator a) {
        return new ListenerOptions(port, bindAddress, protocol, security, maxConnections, a, authorizer,
                usernameAsClientId);
    }

    public ListenerOptions withAuthorizer(Authorizer a) {
        return new ListenerOptions(port, bindAddress, protocol, security, maxConnections, authenticator, a,
                usernameAsClientId);
    }

    public ListenerOptions withUsernameAsClientId(boolean b) {
        return new ListenerOptions(port, bindAddress, protocol, security, maxConnections, authenticator, authorizer, b);
    }
}

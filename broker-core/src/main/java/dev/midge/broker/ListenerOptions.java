package dev.midge.broker;

import dev.midge.broker.security.Authenticator;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.TlsSecurity;
import dev.midge.broker.listener.JsseListenerSecurity;
import dev.midge.broker.listener.ListenerSecurity;

import java.nio.file.Path;

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
 * @param allowZeroLengthClientId mosquitto's {@code allow_zero_length_clientid} (default true): false
 *                           refuses a CONNECT with an empty client id (3.1.1: 0x02, v5: 0x85) instead
 *                           of assigning one
 * @param autoIdPrefix       mosquitto's {@code auto_id_prefix}: how an assigned client id starts
 *                           (default {@value #DEFAULT_AUTO_ID_PREFIX}); a random UUID follows
 * @param rules             mosquitto's per-listener {@code max_qos} and {@code max_topic_alias} ({@link ListenerRules})
 * @param files             a unix socket file to listen on instead of the port, and {@code http_dir}
 *                          ({@link ListenerFiles}; null for none)
 */
public record ListenerOptions(int port, String bindAddress, Protocol protocol, ListenerSecurity security,
                              int maxConnections, Authenticator authenticator, Authorizer authorizer,
                              boolean usernameAsClientId, boolean allowZeroLengthClientId, String autoIdPrefix,
                              ListenerRules rules, ListenerFiles files) {

    public enum Protocol { MQTT, WEBSOCKETS }

    /** mosquitto's default {@code auto_id_prefix}. */
    public static final String DEFAULT_AUTO_ID_PREFIX = "auto-";

    public ListenerOptions {
        if (autoIdPrefix == null) {
            autoIdPrefix = DEFAULT_AUTO_ID_PREFIX;
        }
        if (rules == null) {
            rules = ListenerRules.DEFAULT;
        }
        if (files == null) {
            files = ListenerFiles.NONE;
        }
        for (int i = 0; i < autoIdPrefix.length(); i++) {
            // Client ids with control characters are refused (see ClientIdRules); so are prefixes.
            if (Character.isISOControl(autoIdPrefix.charAt(i))) {
                throw new IllegalArgumentException("auto id prefix contains a control character");
            }
        }
    }

    public ListenerOptions(int port, String bindAddress, Protocol protocol, ListenerSecurity security,
                           int maxConnections, Authenticator authenticator, Authorizer authorizer,
                           boolean usernameAsClientId, boolean allowZeroLengthClientId, String autoIdPrefix,
                           ListenerRules rules) {
        this(port, bindAddress, protocol, security, maxConnections, authenticator, authorizer, usernameAsClientId,
                allowZeroLengthClientId, autoIdPrefix, rules, ListenerFiles.NONE);
    }

    public ListenerOptions(int port, String bindAddress, Protocol protocol, ListenerSecurity security,
                           int maxConnections, Authenticator authenticator, Authorizer authorizer) {
        this(port, bindAddress, protocol, security, maxConnections, authenticator, authorizer, false);
    }

    public ListenerOptions(int port, String bindAddress, Protocol protocol, ListenerSecurity security,
                           int maxConnections, Authenticator authenticator, Authorizer authorizer,
                           boolean usernameAsClientId) {
        this(port, bindAddress, protocol, security, maxConnections, authenticator, authorizer, usernameAsClientId,
                true, DEFAULT_AUTO_ID_PREFIX, ListenerRules.DEFAULT);
    }

    public static ListenerOptions plain(int port) {
        return new ListenerOptions(port, null, Protocol.MQTT, null, -1, null, null, false);
    }

    public ListenerOptions withBindAddress(String address) {
        return new ListenerOptions(port, address, protocol, security, maxConnections, authenticator, authorizer,
                usernameAsClientId, allowZeroLengthClientId, autoIdPrefix, rules, files);
    }

    public ListenerOptions withProtocol(Protocol p) {
        return new ListenerOptions(port, bindAddress, p, security, maxConnections, authenticator, authorizer,
                usernameAsClientId, allowZeroLengthClientId, autoIdPrefix, rules, files);
    }

    /** TLS on this listener, from a JSSE SSLContext: {@code withTls(TlsSecurity.of(context, true))}. */
    public ListenerOptions withTls(TlsSecurity tls) {
        return withSecurity(new JsseListenerSecurity(tls));
    }

    /** For Midge's own modules (broker-tls): the Netty-facing seam. Closed with the broker. */
    public ListenerOptions withSecurity(ListenerSecurity s) {
        return new ListenerOptions(port, bindAddress, protocol, s, maxConnections, authenticator, authorizer,
                usernameAsClientId, allowZeroLengthClientId, autoIdPrefix, rules, files);
    }

    public ListenerOptions withMaxConnections(int max) {
        return new ListenerOptions(port, bindAddress, protocol, security, max, authenticator, authorizer,
                usernameAsClientId, allowZeroLengthClientId, autoIdPrefix, rules, files);
    }

    public ListenerOptions withAuthenticator(Authenticator a) {
        return new ListenerOptions(port, bindAddress, protocol, security, maxConnections, a, authorizer,
                usernameAsClientId, allowZeroLengthClientId, autoIdPrefix, rules, files);
    }

    public ListenerOptions withAuthorizer(Authorizer a) {
        return new ListenerOptions(port, bindAddress, protocol, security, maxConnections, authenticator, a,
                usernameAsClientId, allowZeroLengthClientId, autoIdPrefix, rules, files);
    }

    public ListenerOptions withUsernameAsClientId(boolean b) {
        return new ListenerOptions(port, bindAddress, protocol, security, maxConnections, authenticator, authorizer, b,
                allowZeroLengthClientId, autoIdPrefix, rules, files);
    }

    /** mosquitto's {@code allow_zero_length_clientid} and {@code auto_id_prefix} for this listener. */
    public ListenerOptions withZeroLengthClientIds(boolean allowed, String prefix) {
        return new ListenerOptions(port, bindAddress, protocol, security, maxConnections, authenticator, authorizer,
                usernameAsClientId, allowed, prefix, rules, files);
    }

    /** mosquitto's {@code max_qos} and {@code max_topic_alias} for this listener. */
    public ListenerOptions withRules(ListenerRules l) {
        return new ListenerOptions(port, bindAddress, protocol, security, maxConnections, authenticator, authorizer,
                usernameAsClientId, allowZeroLengthClientId, autoIdPrefix, l, files);
    }

    /** A unix socket file instead of the port, and {@code http_dir} ({@link ListenerFiles}). */
    public ListenerOptions withFiles(ListenerFiles f) {
        return new ListenerOptions(port, bindAddress, protocol, security, maxConnections, authenticator, authorizer,
                usernameAsClientId, allowZeroLengthClientId, autoIdPrefix, rules, f);
    }

    /** Listens on the unix-domain socket file {@code path} instead of a TCP port (mosquitto's {@code listener 0 PATH}). */
    public static ListenerOptions unixSocket(Path path) {
        return plain(0).withFiles(new ListenerFiles(path, null));
    }
}

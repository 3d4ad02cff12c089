package dev.midge.conf;

/**
 * One listener from mosquitto.conf: a {@code listener PORT [BIND]} block, or the default
 * listener of the legacy {@code port} / {@code bind_address} options.
 *
 * @param port           1-65535 (0 for a unix socket listener)
 * @param bindAddress    host or address to bind, or null for all interfaces
 * @param protocol       {@code protocol}: MQTT over TCP or over WebSockets
 * @param socketDomain   {@code socket_domain}, or null for both IPv4 and IPv6
 * @param maxConnections {@code max_connections}; -1 for no limit
 * @param maxTopicAlias  {@code max_topic_alias}: MQTT 5 topic aliases a client may use (default 10)
 * @param useUsernameAsClientId {@code use_username_as_clientid}: a client's id becomes its username
 *                       (a client without one is refused); default false
 * @param tls            this listener's TLS options ({@link TlsOptions#NONE} for plain TCP)
 * @param security       the EFFECTIVE security options for this listener: its own with
 *                       {@code per_listener_settings true}, the global ones otherwise
 * @param declaredAt     the {@code listener} line, or for the default listener the line that
 *                       created it ({@code port}, {@code bind_address} or its first option)
 * @param extras         {@code max_qos} and later listener options ({@link ListenerExtras})
 */
public record ListenerConfig(int port, String bindAddress, Protocol protocol, SocketDomain socketDomain,
                             int maxConnections, int maxTopicAlias, boolean useUsernameAsClientId, TlsOptions tls,
                             SecurityConfig security,
                             ConfigLocation declaredAt, ListenerExtras extras) {

    public enum Protocol { MQTT, WEBSOCKETS }

    public enum SocketDomain { IPV4, IPV6 }

    /** Plain TCP or WebSockets unless TLS is configured (mosquitto: a certfile makes it TLS). */
    public boolean isTls() {
        return tls.enabled();
    }

    /** {@code listener 0 PATH}: served on a unix socket file, {@link ListenerExtras#unixSocket()}. */
    public boolean isUnixSocket() {
        return extras.unixSocket() != null;
    }

    /** The same listener bound to another address (the command line's {@code --bind}); a socket file stays. */
    public ListenerConfig withBindAddress(String address) {
        if (isUnixSocket()) {
            return this;
        }
        return new ListenerConfig(port, address, protocol, null, maxConnections, maxTopicAlias, useUsernameAsClientId,
                tls, security, declaredAt, extras);
    }
}

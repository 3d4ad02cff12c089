package dev.midge.conf;

/**
 * Listener options added after {@link ListenerConfig}'s first ones, grouped so that new ones do not
 * widen that record each time.
 *
 * @param maxQos {@code max_qos} (also spelled {@code maximum_qos}): the highest QoS this listener's
 *               clients may use, 0-2 (default 2)
 * @param mountPoint {@code mount_point}: the prefix of this listener's clients' topics, or null
 * @param bindInterface {@code bind_interface}: the network interface whose addresses the listener binds
 *               (the CLI resolves it at start-up), or null
 * @param bindInterfaceAt where {@code bind_interface} was set, or null
 * @param unixSocket the socket file of a {@code listener 0 PATH} (a unix socket listener), or null for TCP
 * @param httpDir {@code http_dir}: static files a websockets listener serves to plain HTTP GETs, or null
 */
public record ListenerExtras(int maxQos, String mountPoint, String bindInterface, ConfigLocation bindInterfaceAt,
                             java.nio.file.Path unixSocket, java.nio.file.Path httpDir) {

    public static final ListenerExtras DEFAULT = new ListenerExtras(2, null, null, null);

    public ListenerExtras(int maxQos, String mountPoint, String bindInterface, ConfigLocation bindInterfaceAt) {
        this(maxQos, mountPoint, bindInterface, bindInterfaceAt, null, null);
    }
}

package dev.midge.conf;

/**
 * Listener options added after {@link ListenerConfig}'s first ones, grouped so that new ones do not
 * widen that record each time.
 *
 * @param maxQos {@code max_qos} (also spelled {@code maximum_qos}): the highest QoS this listener's
 *               clients may use, 0-2 (default 2)
 * @param mountPoint {@code mount_point}: the prefix of this listener's clients' topics, or null
 */
public record ListenerExtras(int maxQos, String mountPoint) {

    public static final ListenerExtras DEFAULT = new ListenerExtras(2, null);
}

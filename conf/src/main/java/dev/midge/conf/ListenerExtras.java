package dev.midge.conf;

/**
 * Listener options added after {@link ListenerConfig}'s first ones, grouped so that new ones do not
 * widen that record each time.
 *
 * @param maxQos {@code max_qos} (also spelled {@code maximum_qos}): the highest QoS this listener's
 *               clients may use, 0-2 (default 2)
 */
public record ListenerExtras(int maxQos) {

    public static final ListenerExtras DEFAULT = new ListenerExtras(2);
}

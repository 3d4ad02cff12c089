package dev.midge.broker;

/**
 * What one listener allows beyond the broker-wide limits: mosquitto's per-listener {@code max_qos}
 * and {@code max_topic_alias}.
 *
 * @param maxQos        the highest QoS a client of this listener may use (0-2, default 2): a v5 client
 *                      is told it as Maximum QoS in CONNACK; a PUBLISH above it ends the connection (v5:
 *                      DISCONNECT 0x9B QoS not supported), a will above it refuses the CONNECT (v5:
 *                      CONNACK 0x9B), and subscriptions are granted at most it, as in mosquitto
 * @param maxTopicAlias the Topic Alias Maximum this listener accepts from v5 clients, or -1 for the
 *                      broker's {@link BrokerOptions#maxTopicAlias()}
 */
public record ListenerLimits(int maxQos, int maxTopicAlias) {

    public static final ListenerLimits DEFAULT = new ListenerLimits(2, -1);

    public ListenerLimits {
        if (maxQos < 0 || maxQos > 2) {
            throw new IllegalArgumentException("maxQos must be 0, 1 or 2, not " + maxQos);
        }
        if (maxTopicAlias < -1 || maxTopicAlias > 65535) {
            throw new IllegalArgumentException("maxTopicAlias must be -1 (the broker's) or 0-65535, not " + maxTopicAlias);
        }
    }

    /** This listener's Topic Alias Maximum. */
    public int topicAliasMaximum(BrokerOptions options) {
        return maxTopicAlias >= 0 ? maxTopicAlias : options.maxTopicAlias();
    }
}

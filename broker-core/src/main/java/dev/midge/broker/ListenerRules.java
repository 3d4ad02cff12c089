package dev.midge.broker;

/**
 * What one listener allows and how it maps topics, beyond the broker-wide options: mosquitto's
 * per-listener {@code max_qos}, {@code max_topic_alias} and {@code mount_point}.
 *
 * @param maxQos        the highest QoS a client of this listener may use (0-2, default 2): a v5 client
 *                      is told it as Maximum QoS in CONNACK; a PUBLISH above it ends the connection (v5:
 *                      DISCONNECT 0x9B QoS not supported), a will above it refuses the CONNECT (v5:
 *                      CONNACK 0x9B), and subscriptions are granted at most it, as in mosquitto
 * @param maxTopicAlias the Topic Alias Maximum this listener accepts from v5 clients, or -1 for the
 *                      broker's {@link BrokerOptions#maxTopicAlias()}
 * @param mountPoint    prefixed to every topic and filter this listener's clients send (their will too),
 *                      and removed from the topics they receive, so they live in their own branch of the
 *                      tree; the authoriser sees the prefixed topic. Null or empty for none
 */
public record ListenerRules(int maxQos, int maxTopicAlias, String mountPoint) {

    public static final ListenerRules DEFAULT = new ListenerRules(2, -1, null);

    public ListenerRules {
        if (maxQos < 0 || maxQos > 2) {
            throw new IllegalArgumentException("maxQos must be 0, 1 or 2, not " + maxQos);
        }
        if (maxTopicAlias < -1 || maxTopicAlias > 65535) {
            throw new IllegalArgumentException("maxTopicAlias must be -1 (the broker's) or 0-65535, not " + maxTopicAlias);
        }
        if (mountPoint != null && mountPoint.isEmpty()) {
            mountPoint = null;
        }
        if (mountPoint != null && (mountPoint.indexOf('+') >= 0 || mountPoint.indexOf('#') >= 0
                || mountPoint.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("a mount point may not contain '+', '#' or control characters");
        }
    }

    public ListenerRules(int maxQos, int maxTopicAlias) {
        this(maxQos, maxTopicAlias, null);
    }

    /** This listener's Topic Alias Maximum. */
    public int topicAliasMaximum(BrokerOptions options) {
        return maxTopicAlias >= 0 ? maxTopicAlias : options.maxTopicAlias();
    }
}

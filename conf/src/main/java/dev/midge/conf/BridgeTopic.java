package dev.midge.conf;

/**
 * One {@code topic pattern [[[out|in|both] qos] local-prefix remote-prefix]} line of a bridge,
 * with mosquitto's remapping worked out at parse time (src/bridge_topic.c): a message on
 * {@code localTopic} goes out as {@code remoteTopic} and back, the prefixes being swapped.
 *
 * @param pattern      the pattern, or null for mosquitto's {@code ""} placeholder (then the
 *                     prefixes alone are the topics, and both must be given)
 * @param direction    out (local → remote, mosquitto's default), in, or both
 * @param qos          the QoS of the bridge's subscriptions (default 0)
 * @param localPrefix  prepended to incoming topics and removed from outgoing ones, or null
 * @param remotePrefix prepended to outgoing topics and removed from incoming ones, or null
 * @param localTopic   the filter the bridge subscribes to locally: localPrefix + pattern
 * @param remoteTopic  the filter the bridge subscribes to on the remote: remotePrefix + pattern
 */
public record BridgeTopic(String pattern, Direction direction, int qos, String localPrefix, String remotePrefix,
                          String localTopic, String remoteTopic) {

    /** Which way messages on the topic travel. */
    public enum Direction { OUT, IN, BOTH;

        public boolean outgoing() {
            return this != IN;
        }

        public boolean incoming() {
            return this != OUT;
        }
    }

    /** Builds the local and remote topics as mosquitto does: prefix + pattern, or the prefix alone. */
    static BridgeTopic of(String pattern, Direction direction, int qos, String localPrefix, String remotePrefix) {
        return new BridgeTopic(pattern, direction, qos, localPrefix, remotePrefix,
                remap(localPrefix, pattern), remap(remotePrefix, pattern));
    }

    private static String remap(String prefix, String pattern) {
        if (prefix == null) {
            return pattern;
        }
        return pattern == null ? prefix : prefix + pattern;
    }
}

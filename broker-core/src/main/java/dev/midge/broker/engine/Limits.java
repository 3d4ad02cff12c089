package dev.midge.broker.engine;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.subscription.TopicFilter;

/**
 * The broker's limits as MQTT can express them: mosquitto's "0 means no limit" becomes the
 * protocol maximum, because Receive Maximum and keep-alive must be 1..65535 on the wire.
 */
public final class Limits {

    private Limits() {
    }

    /** Messages in flight per client, both ways; also the v5 Receive Maximum sent in CONNACK. */
    public static int receiveMaximum(BrokerOptions options) {
        int n = options.maxInflightMessages();
        return n <= 0 || n > 65535 ? 65535 : n;
    }

    public static int maxKeepalive(BrokerOptions options) {
        int n = options.maxKeepalive();
        return n <= 0 || n > 65535 ? 65535 : n;
    }

    /** The most levels a topic name or filter may have; 0 (no limit) becomes the largest int. */
    public static int maxTopicLevels(BrokerOptions options) {
        int n = options.maxTopicLevels();
        return n <= 0 ? Integer.MAX_VALUE : n;
    }

    /**
     * Whether a topic name or filter (without a share prefix) has more levels than allowed.
     * Every level is a node in the subscription or retained trie, and before the trie became
     * iterative a topic of 12,000 levels overflowed the stack of whoever matched it.
     */
    public static boolean tooManyTopicLevels(BrokerOptions options, String topic) {
        int max = maxTopicLevels(options);
        // n characters hold at most n + 1 levels: a short topic (every PUBLISH's) needs no scan.
        return topic.length() >= max && TopicFilter.levelCount(topic) > max;
    }
}

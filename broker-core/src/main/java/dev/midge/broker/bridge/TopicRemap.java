package dev.midge.broker.bridge;

import dev.midge.broker.bridge.BridgeOptions.Topic;
import dev.midge.broker.subscription.TopicFilter;

import java.util.List;

/**
 * mosquitto's topic remapping (src/bridge_topic.c): the first topic line whose filter matches
 * decides; its one prefix is removed and the other's added. A topic no line matches is left as
 * it is, as mosquitto does.
 */
final class TopicRemap {

    private final List<Topic> topics;

    TopicRemap(List<Topic> topics) {
        this.topics = topics;
    }

    /** A local topic as the remote is to see it. */
    String out(String localTopic) {
        for (Topic t : topics) {
            if (t.direction().outgoing() && TopicFilter.matches(t.localTopic(), localTopic)) {
                return swap(localTopic, t.localPrefix(), t.remotePrefix());
            }
        }
        return localTopic;
    }

    /** A remote topic as local subscribers are to see it. */
    String in(String remoteTopic) {
        for (Topic t : topics) {
            if (t.direction().incoming() && TopicFilter.matches(t.remoteTopic(), remoteTopic)) {
                return swap(remoteTopic, t.remotePrefix(), t.localPrefix());
            }
        }
        return remoteTopic;
    }

    private static String swap(String topic, String remove, String add) {
        String rest = remove != null && topic.startsWith(remove) ? topic.substring(remove.length()) : topic;
        return add == null ? rest : add + rest;
    }
}

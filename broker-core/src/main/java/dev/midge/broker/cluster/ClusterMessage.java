package dev.midge.broker.cluster;

import java.util.List;
import java.util.Map;

/**
 * An application message as it travels between nodes: what a subscriber on another node must
 * see, with the expiry as seconds left (clocks of nodes differ; {@code -1} for none).
 */
public record ClusterMessage(String topic, byte[] payload, int qos, boolean retain,
                             Integer payloadFormatIndicator, String contentType, String responseTopic,
                             byte[] correlationData, List<Map.Entry<String, String>> userProperties,
                             long expirySeconds, String publisherId) {

    public ClusterMessage {
        userProperties = List.copyOf(userProperties);
    }
}

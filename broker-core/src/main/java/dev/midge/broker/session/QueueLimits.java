package dev.midge.broker.session;

/**
 * What bounds one session's outbound flow, from the broker's options.
 *
 * @param maxInflight            QoS 1/2 messages in flight (also bounded by the client's Receive Maximum)
 * @param maxQueuedMessages      messages waiting beyond those in flight; 0 = no limit
 * @param maxQueuedBytes         payload bytes waiting; 0 = no limit
 * @param maxInflightBytes       payload bytes in flight (mosquitto's max_inflight_bytes); 0 = no limit
 * @param queueQos0Messages      QoS 0 is queued for the disconnected client too (mosquitto's queue_qos0_messages)
 * @param maxPublisherPauseNanos how long the connected client, falling behind, may keep its publishers from
 *                               being read ({@link SubscriberPressure}); 0 = never
 */
public record QueueLimits(int maxInflight, int maxQueuedMessages, long maxQueuedBytes, long maxInflightBytes,
                          boolean queueQos0Messages, long maxPublisherPauseNanos) {
}

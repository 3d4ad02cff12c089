package dev.midge.conf;

/**
 * How messages wait for and reach subscribers: mosquitto's queue/delivery options beyond the
 * queue limits, and Midge's flow control. Defaults are mosquitto 2.0's.
 *
 * @param maxInflightBytes   {@code max_inflight_bytes}: outgoing QoS 1/2 payload bytes in flight per client,
 *                           0 = no limit (a larger message still goes, alone)
 * @param queueQos0Messages  {@code queue_qos0_messages}: QoS 0 is queued for disconnected persistent clients too
 * @param upgradeOutgoingQos {@code upgrade_outgoing_qos}: subscribers get their subscription's QoS
 * @param maxPublisherPauseMs Midge option {@code midge_max_publisher_pause_ms}: how long a subscriber that falls
 *                           behind may keep its publishers from being read (flow control); 0 = off (default 1000)
 * @param memoryLimit        {@code memory_limit}: message bytes the broker may hold before it drops PUBLISHes and
 *                           disconnects their publishers; 0 = no limit (default)
 */
public record QueueOptions(long maxInflightBytes, boolean queueQos0Messages,
                           boolean upgradeOutgoingQos, int maxPublisherPauseMs, long memoryLimit) {

    public QueueOptions(long maxInflightBytes, boolean queueQos0Messages, boolean upgradeOutgoingQos,
                        int maxPublisherPauseMs) {
        this(maxInflightBytes, queueQos0Messages, upgradeOutgoingQos, maxPublisherPauseMs, 0);
    }

    public static QueueOptions defaults() {
        return new QueueOptions(0, false, false, 1000, 0);
    }
}

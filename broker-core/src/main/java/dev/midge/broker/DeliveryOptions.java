package dev.midge.broker;

import java.time.Duration;
import java.util.Objects;

/**
 * How messages wait for and reach subscribers, beyond the queue limits in {@link BrokerOptions}:
 * flow control and mosquitto's queue/delivery options. Build from {@link #defaults()} with the
 * {@code with…} methods.
 *
 * @param maxPublisherPause  how long a connected subscriber that falls behind (what waits for it passes
 *                           half of {@code maxQueuedMessages}/{@code maxQueuedBytes}) may keep the publishers
 *                           feeding it from being read, until it drains to a quarter: flow control instead of
 *                           loss. One that has not drained by then no longer slows anyone and its queue drops
 *                           once full, as in mosquitto. {@link Duration#ZERO} turns flow control off (default 1 s)
 * @param maxInflightBytes   mosquitto's {@code max_inflight_bytes}: outgoing QoS 1/2 payload bytes in flight per
 *                           client, next to the message count; a larger message still goes, alone; 0 = no limit
 * @param queueQos0Messages  mosquitto's {@code queue_qos0_messages}: QoS 0 messages are queued for a
 *                           disconnected persistent client too, within the queue limits (default false)
 * @param upgradeOutgoingQos mosquitto's {@code upgrade_outgoing_qos}: a subscriber gets its subscription's QoS
 *                           even when the message was published at a lower one (not MQTT; default false)
 * @param memoryLimit        mosquitto's {@code memory_limit}: past this many payload bytes held (retained, in
 *                           flight, queued), a PUBLISH is dropped and its client disconnected (v5: DISCONNECT
 *                           0x97 Quota exceeded); 0 = no limit (default). See {@code engine/MemoryLimit}
 */
public record DeliveryOptions(Duration maxPublisherPause, long maxInflightBytes, boolean queueQos0Messages,
                              boolean upgradeOutgoingQos, long memoryLimit) {

    public DeliveryOptions(Duration maxPublisherPause, long maxInflightBytes, boolean queueQos0Messages,
                           boolean upgradeOutgoingQos) {
        this(maxPublisherPause, maxInflightBytes, queueQos0Messages, upgradeOutgoingQos, 0);
    }

    public DeliveryOptions {
        Objects.requireNonNull(maxPublisherPause, "maxPublisherPause");
        if (maxPublisherPause.isNegative() || maxInflightBytes < 0 || memoryLimit < 0) {
            throw new IllegalArgumentException("delivery options must not be negative");
        }
    }

    public static DeliveryOptions defaults() {
        return new DeliveryOptions(Duration.ofSeconds(1), 0, false, false);
    }

    public DeliveryOptions withMaxPublisherPause(Duration d) {
        return new DeliveryOptions(d, maxInflightBytes, queueQos0Messages, upgradeOutgoingQos, memoryLimit);
    }

    public DeliveryOptions withMaxInflightBytes(long bytes) {
        return new DeliveryOptions(maxPublisherPause, bytes, queueQos0Messages, upgradeOutgoingQos, memoryLimit);
    }

    public DeliveryOptions withQueueQos0Messages(boolean b) {
        return new DeliveryOptions(maxPublisherPause, maxInflightBytes, b, upgradeOutgoingQos, memoryLimit);
    }

    public DeliveryOptions withUpgradeOutgoingQos(boolean b) {
        return new DeliveryOptions(maxPublisherPause, maxInflightBytes, queueQos0Messages, b, memoryLimit);
    }

    public DeliveryOptions withMemoryLimit(long bytes) {
        return new DeliveryOptions(maxPublisherPause, maxInflightBytes, queueQos0Messages, upgradeOutgoingQos, bytes);
    }
}

package dev.midge.broker.subscription;

/**
 * One client's subscription to one filter, with its MQTT 5 options (3.1.1 subscriptions use
 * the defaults: no local false, retain as published false, retain handling 0, no identifier).
 *
 * @param clientId               the subscriber
 * @param filter                 the filter, possibly shared
 * @param qos                    the maximum QoS granted
 * @param noLocal                don't deliver the subscriber's own messages
 * @param retainAsPublished      keep the RETAIN flag of forwarded messages
 * @param retainHandling         0 send retained on subscribe, 1 only if new, 2 never
 * @param subscriptionIdentifier v5 subscription identifier, or 0 for none
 */
public record Subscription(String clientId, TopicFilter filter, int qos, boolean noLocal,
                           boolean retainAsPublished, int retainHandling, int subscriptionIdentifier) {

    public static Subscription simple(String clientId, String filter, int qos) {
        return new Subscription(clientId, TopicFilter.parse(filter), qos, false, false, 0, 0);
    }
}

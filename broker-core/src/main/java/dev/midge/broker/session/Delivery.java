package dev.midge.broker.session;

import dev.midge.broker.message.Message;

import java.util.List;

/**
 * One message on its way to one subscriber: the shared {@link Message} plus what differs per
 * subscriber (granted QoS, RETAIN flag as this subscriber should see it, subscription ids).
 */
public record Delivery(Message message, int qos, boolean retain, List<Integer> subscriptionIdentifiers) {

    public Delivery {
        subscriptionIdentifiers = List.copyOf(subscriptionIdentifiers);
    }
}

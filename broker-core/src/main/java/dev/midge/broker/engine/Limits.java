package dev.midge.broker.engine;

import dev.midge.broker.BrokerOptions;

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
}

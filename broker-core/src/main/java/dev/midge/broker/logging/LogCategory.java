package dev.midge.broker.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loggers for the lines mosquitto switches on and off by option rather than by level, so the
 * launcher can gate each one by its logger name without broker-core knowing mosquitto.conf:
 * {@code connection_messages} (connects and disconnects) and {@code log_type subscribe|unsubscribe}.
 */
public final class LogCategory {

    /** "New connection from ...", "New client connected ...", "Client X disconnected." */
    public static final String CONNECTIONS_NAME = "dev.midge.connections";
    /** One line per granted subscription, as mosquitto: "client qos filter". */
    public static final String SUBSCRIBE_NAME = "dev.midge.subscribe";
    /** One line per unsubscribed filter, as mosquitto: "client filter". */
    public static final String UNSUBSCRIBE_NAME = "dev.midge.unsubscribe";

    public static final Logger CONNECTIONS = LoggerFactory.getLogger(CONNECTIONS_NAME);
    public static final Logger SUBSCRIBE = LoggerFactory.getLogger(SUBSCRIBE_NAME);
    public static final Logger UNSUBSCRIBE = LoggerFactory.getLogger(UNSUBSCRIBE_NAME);

    private LogCategory() {
    }
}

package dev.midge.broker.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

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

    /**
     * Marks an INFO line that mosquitto logs as a notice, not as information (a session expired, a bridge
     * connecting): {@code log_type notice} and {@code log_type information} select them apart. Every line of
     * {@link #CONNECTIONS} is a notice too, without the marker.
     */
    public static final Marker NOTICE = MarkerFactory.getMarker("NOTICE");

    public static final Logger CONNECTIONS = LoggerFactory.getLogger(CONNECTIONS_NAME);
    public static final Logger SUBSCRIBE = LoggerFactory.getLogger(SUBSCRIBE_NAME);
    public static final Logger UNSUBSCRIBE = LoggerFactory.getLogger(UNSUBSCRIBE_NAME);

    private LogCategory() {
    }
}

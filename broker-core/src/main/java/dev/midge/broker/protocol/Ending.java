package dev.midge.broker.protocol;

/**
 * Why a connection ended, when the broker knows; a connection that ends without one was closed
 * by its client (or the network). {@link ClientSession#end} records it and logs the one line
 * that says so, so every such line is written in one place.
 */
public enum Ending {
    /** The client sent DISCONNECT. */
    DISCONNECTED,
    /** The client broke the protocol (malformed packet, a limit exceeded). */
    PROTOCOL_VIOLATION,
    /** Nothing from the client for one and a half keep-alive periods. */
    KEEP_ALIVE_TIMEOUT,
    /** Another connection took over its client id. */
    TAKEN_OVER,
    /** The application disconnected it (a revoked certificate, an administrator). */
    ADMINISTRATIVE_ACTION,
    /**
     * The store cannot write (disk full), so its QoS 1/2 message was not accepted: 3.1.1 has no
     * negative PUBACK, and the client resends on reconnect.
     */
    STORE_UNWRITABLE,
    /** The store failed to store its message, so it was not acknowledged. */
    STORE_FAILURE,
    /** mosquitto's {@code memory_limit}: the broker holds more message bytes than allowed, so its PUBLISH was dropped. */
    MEMORY_LIMIT,
    /** A cluster node its message went to left before confirming it, so it was not acknowledged. */
    NOT_CONFIRMED
}

package dev.midge.broker.protocol;

/**
 * Why a connection ended, when the broker knows and has said so in a log line; a connection
 * that ends without one was closed by its client (or the network), and the broker says that.
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
    /** The store could not take its message in (3.1.1), or failed to store it. */
    STORE_FAILURE
}

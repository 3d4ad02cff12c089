package dev.midge.broker;

/**
 * The persistent store cannot be used (unreadable, corrupt, locked by another broker). The
 * message names the file and the cause, for a person to read; the broker does not start.
 */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.midge.broker.cluster;

/**
 * A message went to a node that left the cluster before it confirmed holding it: the PUBLISH
 * that carried it is not acknowledged, so its client sends it again.
 */
public final class NotConfirmedException extends RuntimeException {

    public NotConfirmedException(String message) {
        super(message, null, false, false);
    }
}

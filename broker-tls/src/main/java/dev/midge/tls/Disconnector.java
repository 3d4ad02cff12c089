package dev.midge.tls;

import dev.midge.broker.security.ClientIdentity;

import java.util.function.Predicate;

/**
 * Disconnects the connected clients a predicate selects, with a reason for the log; returns
 * how many. {@code MidgeBroker::disconnectClients} is one, which is how the CLI wires a new CRL
 * to the broker without this module knowing the broker.
 */
@FunctionalInterface
public interface Disconnector {

    int disconnect(Predicate<ClientIdentity> which, String reason);
}

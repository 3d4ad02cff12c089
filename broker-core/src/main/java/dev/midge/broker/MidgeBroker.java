package dev.midge.broker;

import dev.midge.broker.security.ClientIdentity;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Predicate;

/**
 * A running broker: the embedding API. {@code MidgeBroker.start(options)} returns once every
 * listener is bound; {@link #close()} closes every connection and releases every thread and
 * buffer.
 *
 * <pre>{@code
 * try (MidgeBroker broker = MidgeBroker.start(BrokerOptions.builder()
 *         .listener(ListenerOptions.plain(1883)).build())) {
 *     broker.publish("greeting", "hello".getBytes(UTF_8), 1, true);
 * }
 * }</pre>
 */
public final class MidgeBroker implements AutoCloseable {

    // TODO(engine): implementation pending.

    private MidgeBroker() {
    }

    /** Binds every listener and returns once they accept connections. */
    public static MidgeBroker start(BrokerOptions options) throws InterruptedException {
        throw new UnsupportedOperationException("engine not yet implemented");
    }

    /** The bound address of each listener, in the order of {@link BrokerOptions#listeners()}. */
    public List<InetSocketAddress> listenerAddresses() {
        throw new UnsupportedOperationException();
    }

    /** The bound port of the first listener: the one-liner tests want. */
    public int port() {
        return listenerAddresses().get(0).getPort();
    }

    /** Publishes a message from the application, as if a client had (no authorisation check). */
    public void publish(String topic, byte[] payload, int qos, boolean retain) {
        throw new UnsupportedOperationException();
    }

    /** Observes every message accepted for delivery (after authorisation). */
    public void addMessageObserver(MessageObserver observer) {
        throw new UnsupportedOperationException();
    }

    /**
     * Disconnects every connected client the predicate selects (e.g. those whose certificate
     * was just revoked), logging one line each with the reason. Returns how many were selected.
     * The predicate runs on event loops, so it must be quick.
     */
    public int disconnectClients(Predicate<ClientIdentity> which, String reason) {
        throw new UnsupportedOperationException();
    }

    /** Identities of the clients connected now. */
    public List<ClientIdentity> connectedClients() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }
}

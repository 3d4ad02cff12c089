package dev.midge.broker.testing;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.MidgeBroker;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A real broker in the test's JVM, on a free port of 127.0.0.1, started in one line:
 *
 * <pre>{@code
 * try (EmbeddedBroker broker = EmbeddedBroker.start(b -> b.authorizer(myAcl))) {
 *     ... connect to broker.port() ...
 * }
 * }</pre>
 */
public final class EmbeddedBroker implements AutoCloseable {

    public static final String HOST = "127.0.0.1";

    private final MidgeBroker broker;

    private EmbeddedBroker(MidgeBroker broker) {
        this.broker = broker;
    }

    /** A plain-TCP broker that lets everyone do everything. */
    public static EmbeddedBroker start() {
        return start(listener -> listener, options -> { });
    }

    /** A plain-TCP broker configured further by {@code configurer} (authoriser, limits...). */
    public static EmbeddedBroker start(Consumer<BrokerOptions.Builder> configurer) {
        return start(listener -> listener, configurer);
    }

    /**
     * A broker whose first listener (127.0.0.1, free port) is shaped by {@code listener},
     * e.g. {@code l -> l.withSecurity(tls)}; {@code configurer} may add more listeners.
     */
    public static EmbeddedBroker start(UnaryOperator<ListenerOptions> listener, Consumer<BrokerOptions.Builder> configurer) {
        BrokerOptions.Builder builder = BrokerOptions.builder()
                .listener(listener.apply(ListenerOptions.plain(0).withBindAddress(HOST)));
        configurer.accept(builder);
        return start(builder.build());
    }

    /** A broker with exactly these options (bind port 0 yourself). */
    public static EmbeddedBroker start(BrokerOptions options) {
        try {
            return new EmbeddedBroker(MidgeBroker.start(options));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the broker", e);
        }
    }

    /** The port of the first listener. */
    public int port() {
        return broker.port();
    }

    public String host() {
        return HOST;
    }

    /** {@code tcp://127.0.0.1:PORT}, for Paho. */
    public String serverUri() {
        return "tcp://" + HOST + ":" + port();
    }

    public MidgeBroker broker() {
        return broker;
    }

    @Override
    public void close() {
        broker.close();
    }
}

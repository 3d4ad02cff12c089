package dev.midge.broker;

import dev.midge.broker.bridge.Bridge;
import dev.midge.broker.bridge.BridgeFigures;
import dev.midge.broker.bridge.BridgeOptions;
import dev.midge.broker.engine.Limits;
import dev.midge.broker.message.Message;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.netty.BrokerServer;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.subscription.TopicFilter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Predicate;

/**
 * A running broker: the embedding API. {@code MidgeBroker.start(options)} returns once every
 * listener is bound; {@link #close()} closes every connection and releases every thread and
 * buffer, including those of what the options handed over: the listeners' TLS security and the
 * {@link BrokerOptions#fileWatcher() file watcher}.
 *
 * <pre>{@code
 * try (MidgeBroker broker = MidgeBroker.start(BrokerOptions.builder()
 *         .listener(ListenerOptions.plain(1883)).build())) {
 *     broker.publish("greeting", "hello".getBytes(UTF_8), 1, true);
 * }
 * }</pre>
 */
public final class MidgeBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MidgeBroker.class);

    private final BrokerServer server;
    private final BrokerOptions options;
    /** Bridges started on this broker's event loops; closed before it. */
    private final List<Bridge> bridges;
    /** Host names of bridge addresses are resolved here, never on an event loop; made with the first bridge. */
    private java.util.concurrent.ExecutorService bridgeResolver;
    /** mosquitto's log_dest topic, made when first asked for; closed before the server. */
    private LogTopic logTopic;

    private MidgeBroker(BrokerServer server, BrokerOptions options, List<Bridge> bridges) {
        this.server = server;
        this.options = options;
        this.bridges = bridges;
    }

    /**
     * Binds every listener and returns once they accept connections. If it fails, what the
     * options handed over (TLS security, file watcher) is closed too.
     *
     * @throws StoreException with persistence on, the store cannot be used (the message names the file)
     */
    public static MidgeBroker start(BrokerOptions options) throws InterruptedException {
        try {
            // Made before the server so that its $SYS and /metrics report the bridges started later.
            List<Bridge> bridges = new java.util.concurrent.CopyOnWriteArrayList<>();
            return new MidgeBroker(BrokerServer.start(options, List.of(new BridgeFigures(bridges))), options, bridges);
        } catch (InterruptedException | RuntimeException e) {
            closeOwned(options);
            throw e;
        }
    }

    /** The bound address of each listener, in the order of {@link BrokerOptions#listeners()}. */
    public List<InetSocketAddress> listenerAddresses() {
        return server.boundAddresses();
    }

    /** The port {@code /metrics} and {@code /health} are served on, or -1 without {@link SysOptions#metricsListener()}. */
    public int metricsPort() {
        return server.metricsPort();
    }

    /** The bound port of the first listener: the one-liner tests want. */
    public int port() {
        return listenerAddresses().get(0).getPort();
    }

    /** Publishes a message from the application, as if a client had (no authorisation check). */
    public void publish(String topic, byte[] payload, int qos, boolean retain) {
        if (!TopicFilter.isValidTopicName(topic)) {
            throw new IllegalArgumentException("not a valid topic name: '" + topic + "'");
        }
        if (Limits.tooManyTopicLevels(engine().options(), topic)) {
            throw new IllegalArgumentException("topic name of " + TopicFilter.levelCount(topic)
                    + " levels is over the limit of " + engine().options().maxTopicLevels());
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("QoS must be 0, 1 or 2, not " + qos);
        }
        engine().publish(Message.of(topic, payload.clone(), qos, retain), null);
    }

    /**
     * Starts a bridge to a remote broker (mosquitto's {@code connection}): its local session and
     * subscriptions exist when this returns, so outgoing QoS 1/2 messages queue from now on; it
     * connects as its start type says and is closed with the broker.
     */
    public synchronized Bridge startBridge(BridgeOptions bridge) {
        if (bridgeResolver == null) {
            bridgeResolver = java.util.concurrent.Executors.newCachedThreadPool(
                    new io.netty.util.concurrent.DefaultThreadFactory("midge-bridge-dns", true));
        }
        Bridge started = Bridge.start(bridge, engine(), server.nextEventLoop(), bridgeResolver);
        bridges.add(started);
        return started;
    }

    /**
     * Where the broker's own log lines go to be published on {@code $SYS/broker/log/...} (mosquitto's
     * {@code log_dest topic}); a logging backend's appender hands them to {@link LogTopic#offer}. Its
     * publishing thread starts with the first call.
     */
    public synchronized LogTopic logTopic() {
        if (logTopic == null) {
            logTopic = new LogTopic(engine());
        }
        return logTopic;
    }

    /** The bridges started on this broker, to read their {@link Bridge#status()}. */
    public List<Bridge> bridges() {
        return List.copyOf(bridges);
    }

    /** Observes every message accepted for delivery (after authorisation). */
    public void addMessageObserver(MessageObserver observer) {
        engine().router().addObserver(observer);
    }

    /**
     * Disconnects every connected client the predicate selects (e.g. those whose certificate
     * was just revoked), logging one line each with the reason. Returns how many were selected.
     * The predicate runs on the calling thread, once per connected client, before this returns.
     */
    public int disconnectClients(Predicate<ClientIdentity> which, String reason) {
        return server.disconnectClients(which, reason);
    }

    /** Identities of the clients connected now. */
    public List<ClientIdentity> connectedClients() {
        return server.connectedClients();
    }

    private MqttEngine engine() {
        return server.engine();
    }

    /** Closes the connections and the broker's threads first, then what it was handed. */
    @Override
    public void close() {
        bridges.forEach(Bridge::close);
        synchronized (this) {
            if (bridgeResolver != null) {
                bridgeResolver.shutdownNow();
            }
            if (logTopic != null) {
                logTopic.close();
            }
        }
        server.close();
        closeOwned(options);
    }

    private static void closeOwned(BrokerOptions options) {
        for (ListenerOptions listener : options.listeners()) {
            if (listener.security() instanceof AutoCloseable security) {
                closeLogged(security);
            }
        }
        if (options.fileWatcher() != null) {
            closeLogged(options.fileWatcher());
        }
        if (options.cluster() != null) {
            closeLogged(options.cluster());
        }
    }

    private static void closeLogged(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed: {}", resource, e.toString());
        }
    }
}

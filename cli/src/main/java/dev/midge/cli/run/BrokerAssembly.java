package dev.midge.cli.run;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.MidgeBroker;
import dev.midge.broker.persist.StoreException;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.security.ClientIdBinding;
import dev.midge.broker.security.ClientIdTakeover;
import dev.midge.broker.security.ListenerSecurity;
import dev.midge.conf.BrokerConfig;
import dev.midge.conf.ListenerConfig;
import dev.midge.tls.PskListenerSecurity;
import dev.midge.tls.TlsFileException;
import dev.midge.tls.TlsListenerSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The one place where a parsed mosquitto.conf becomes a running broker: TLS listeners, password
 * files and ACLs are built from their options, wired into core's seams by hand, and watched.
 */
public final class BrokerAssembly {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerAssembly.class);

    /** mosquitto 2.0's local-only mode: no listener configured → localhost:1883, anonymous allowed. */
    static final int LOCAL_ONLY_PORT = 1883;

    private BrokerAssembly() {
    }

    public static RunningBroker start(BrokerConfig config) throws StartupException, InterruptedException {
        return start(config, false);
    }

    /**
     * @param discardCorruptStore with persistence on, move a store that cannot be read aside and
     *                            start empty, instead of refusing to start
     */
    public static RunningBroker start(BrokerConfig config, boolean discardCorruptStore)
            throws StartupException, InterruptedException {
        return start(config, discardCorruptStore, List.of(LOCAL_ONLY_PORT));
    }

    /**
     * @param localOnlyPorts the ports of mosquitto 2.0's local-only mode, when the conf declares
     *                       no listener ({@code -p} changes them, as it does for mosquitto)
     */
    public static RunningBroker start(BrokerConfig config, boolean discardCorruptStore, List<Integer> localOnlyPorts)
            throws StartupException, InterruptedException {
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        FileWatcher watcher = FileWatcher.start();
        resources.push(watcher);
        try {
            ListenerSecurityFactory security = new ListenerSecurityFactory(watcher, config.localOnly());
            List<TlsListenerSecurity> tlsListeners = new ArrayList<>();
            BrokerOptions.Builder options = BrokerOptions.builder()
                    .messageSizeLimit(config.messageSizeLimit())
                    // mosquitto's 0 means "no limit"; MQTT 5's Receive Maximum tops out at 65535.
                    .maxInflightMessages(config.maxInflightMessages() == 0 ? 65535 : config.maxInflightMessages())
                    .maxQueuedMessages(config.maxQueuedMessages())
                    .maxQueuedBytes(config.maxQueuedBytes())
                    .maxKeepalive(config.maxKeepalive())
                    .retainAvailable(config.retainAvailable())
                    .maxTopicLevels(config.maxTopicLevels())
                    .authenticator(security.authenticator(config.security()))
                    .authorizer(security.authorizer(config.security()))
                    .discardCorruptStore(discardCorruptStore)
                    .clientIdBinding(ClientIdBinding.valueOf(config.clientIdBinding().name()))
                    .clientIdTakeover(config.clientIdTakeover() == BrokerConfig.ClientIdTakeover.ANY
                            ? ClientIdTakeover.ANY_USERNAME : ClientIdTakeover.SAME_USERNAME);
            if (config.persistence()) {
                // mosquitto's default persistence_location is the working directory.
                Path location = config.persistenceLocation() != null ? config.persistenceLocation() : Path.of(".");
                options.persistence(location);
                LOG.info("Persistence on: every acknowledged message is on disk in {} before its PUBACK/PUBREC.",
                        location.toAbsolutePath().normalize().resolve("midge.mv.db"));
            }
            if (config.localOnly() && config.listeners().isEmpty()) {
                LOG.info("Starting in local only mode. Connections will only be possible from clients running on this machine.");
                LOG.info("Create a configuration file which defines a listener to allow remote access.");
                for (int port : localOnlyPorts) {
                    options.listener(ListenerOptions.plain(port).withBindAddress("127.0.0.1"));
                    // Clients resolve "localhost" to ::1 first on many systems; mosquitto binds both.
                    if (ipv6LoopbackAvailable()) {
                        options.listener(ListenerOptions.plain(port).withBindAddress("::1"));
                    }
                }
            }
            int maxTopicAlias = 0;
            for (ListenerConfig listener : config.listeners()) {
                ListenerSecurity tls = null;
                if (listener.isTls()) {
                    TlsListenerSecurity created = tls(listener, watcher);
                    resources.push(created);
                    tlsListeners.add(created);
                    tls = created;
                } else if (listener.tls().pskListener()) {
                    tls = psk(listener, watcher);
                }
                maxTopicAlias = Math.max(maxTopicAlias, listener.maxTopicAlias());
                options.listener(new ListenerOptions(listener.port(), bindAddress(listener),
                        listener.protocol() == ListenerConfig.Protocol.WEBSOCKETS
                                ? ListenerOptions.Protocol.WEBSOCKETS : ListenerOptions.Protocol.MQTT,
                        tls, listener.maxConnections(),
                        security.authenticator(listener.security()), security.authorizer(listener.security()),
                        listener.useUsernameAsClientId()));
            }
            if (!config.listeners().isEmpty()) {
                options.maxTopicAlias(maxTopicAlias);
            }
            MidgeBroker broker = startBroker(options.build());
            resources.push(broker);
            for (TlsListenerSecurity tls : tlsListeners) {
                tls.disconnectRevokedWith(broker::disconnectClients);
            }
            return new RunningBroker(broker, watcher, resources);
        } catch (StartupException | InterruptedException | RuntimeException e) {
            new RunningBroker(null, watcher, resources).close();
            throw e;
        }
    }

    private static TlsListenerSecurity tls(ListenerConfig listener, FileWatcher watcher) throws StartupException {
        try {
            return TlsListenerSecurity.create(listener.tls(), watcher);
        } catch (TlsFileException e) {
            throw new StartupException(e.getMessage(), 3);
        } catch (IllegalArgumentException e) {
            throw new StartupException(listener.declaredAt() + ": " + e.getMessage(), 3);
        }
    }

    private static PskListenerSecurity psk(ListenerConfig listener, FileWatcher watcher) throws StartupException {
        try {
            return PskListenerSecurity.create(listener.tls(), watcher);
        } catch (TlsFileException e) {
            throw new StartupException(e.getMessage(), 3);
        }
    }

    private static boolean ipv6LoopbackAvailable() {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress("::1", 0));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String bindAddress(ListenerConfig listener) {
        if (listener.bindAddress() != null || listener.socketDomain() == null) {
            return listener.bindAddress();
        }
        return listener.socketDomain() == ListenerConfig.SocketDomain.IPV4 ? "0.0.0.0" : "::";
    }

    private static MidgeBroker startBroker(BrokerOptions options) throws StartupException, InterruptedException {
        try {
            return MidgeBroker.start(options);
        } catch (InterruptedException e) {
            throw e;
        } catch (StoreException e) {
            throw new StartupException("Error: " + e.getMessage(), 3);
        } catch (Exception e) {
            // Netty rethrows a bind failure undeclared; it is the user's to fix, not a bug.
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof java.net.BindException) {
                    throw new StartupException("Error: cannot listen: " + cause.getMessage(), 1);
                }
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }
}

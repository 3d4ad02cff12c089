package dev.midge.cli.run;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.DeliveryOptions;
import dev.midge.broker.SysOptions;
import dev.midge.broker.metrics.FigureSource;
import dev.midge.conf.SysConfig;
import dev.midge.tls.TlsStatistics;
import dev.midge.broker.ListenerRules;
import dev.midge.broker.ListenerFiles;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.listener.UnixSocketFile;
import dev.midge.broker.MidgeBroker;
import dev.midge.broker.StoreException;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.security.ClientIdBinding;
import dev.midge.broker.security.ClientIdTakeover;
import dev.midge.broker.listener.ListenerSecurity;
import dev.midge.conf.BrokerConfig;
import dev.midge.conf.QueueOptions;
import dev.midge.conf.ConfigException;
import dev.midge.conf.ConfigWarning;
import dev.midge.conf.ListenerConfig;
import dev.midge.conf.MosquittoConf;
import dev.midge.conf.ParsedConf;
import dev.midge.conf.PluginConfig;
import dev.midge.conf.SecurityConfig;
import dev.midge.conf.TlsOptions;
import dev.midge.pki.SecureDefault;
import dev.midge.pki.enrollment.EnrollmentServer;
import dev.midge.tls.PskAndCertificateListenerSecurity;
import dev.midge.tls.PskListenerSecurity;
import dev.midge.tls.TlsFileException;
import dev.midge.tls.TlsListenerSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The one place where the modules are wired together: {@link #run} turns {@code run}'s command
 * line into a running broker (the secure default's data directory, the conf, logging, the pid
 * file, CRL renewal, enrollment, SIGHUP and reload requests), and {@link #start} a parsed
 * mosquitto.conf into the broker itself: TLS listeners, password files and ACLs are built from
 * their options, wired into core's seams by hand, and watched.
 */
public final class BrokerAssembly {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerAssembly.class);

    /** mosquitto 2.0's local-only mode: no listener configured → localhost:1883, anonymous allowed. */
    static final int LOCAL_ONLY_PORT = 1883;

    private BrokerAssembly() {
    }

    /**
     * Everything {@code run} starts, in order; returns once the broker runs. A JVM shutdown (SIGTERM,
     * Ctrl-C) closes it.
     *
     * @throws ConfigException the conf has an error ({@code file:line: what is wrong}; exit code 3)
     */
    public static RunningBroker run(RunSettings settings) throws StartupException, InterruptedException {
        if (settings.configFile() != null && (settings.bind() != null || !settings.serverNames().isEmpty())) {
            throw new StartupException("Error: --bind and --server-name are for the secure default; with -c, the"
                    + " conf's listener lines and certfile say where and as whom the broker listens", 3);
        }
        SecureDefault secureDefault = null;
        Path conf = settings.configFile();
        if (conf == null) {
            secureDefault = SecureDefaultSetup.initialize(settings);
            conf = secureDefault.conf();
        }
        ParsedConf parsed = MosquittoConf.parse(conf, settings.tlsProvider());
        BrokerConfig config = CommandLineOverrides.apply(parsed.config(), settings.verbose(), settings.pidFile(),
                settings.bind());
        if (settings.metricsListener() != null) {
            try {
                config = config.withSys(config.sys().withMetricsListener(settings.metricsListener()));
            } catch (IllegalArgumentException e) {
                throw new StartupException("--metrics-listener " + e.getMessage(), 3);
            }
        }
        LogSetup.apply(config);
        LOG.info("Midge {} starting", version());
        LOG.info("Config loaded from {}.", conf);
        for (ConfigWarning warning : parsed.warnings()) {
            LOG.warn("Warning: {}", warning);
        }
        if (settings.tlsProvider().provider() != TlsOptions.Provider.JDK) {
            LOG.info("Certificate listeners without midge_tls_provider run on {} ({}).",
                    settings.tlsProvider().provider().keyword(), settings.tlsProvider().origin());
        }
        checkUser(config);
        EnrollmentFigures enrollmentFigures = new EnrollmentFigures();
        RunningBroker running = start(config, settings.discardCorruptStore(), localOnlyPorts(settings, config),
                List.of(enrollmentFigures));
        running.closeWithBroker(LogSetup.publishTo(running.broker()));
        try {
            PidFile pidFile = writePidFile(config);
            if (pidFile != null) {
                running.closeWithBroker(pidFile);
            }
            if (secureDefault != null) {
                running.closeWithBroker(CrlRenewal.schedule(secureDefault.dataDirectory()));
            }
            int enrollment = settings.enrollmentPort() != null ? settings.enrollmentPort() : config.enrollmentPort();
            EnrollmentServer enrollmentServer = null;
            if (enrollment != 0) {
                String bind = settings.enrollmentBind() != null ? settings.enrollmentBind() : config.enrollmentBind();
                enrollmentServer = EnrollmentStartup.start(enrollment, bind, secureDefault, settings.dataDir(),
                        config.security().aclFile());
                running.closeWithBroker(enrollmentServer);
                enrollmentFigures.reportOn(enrollmentServer);
            }
            OcspStartup.start(settings, config, secureDefault, enrollmentServer, running);
        } catch (StartupException e) {
            running.close();
            throw e;
        }
        ReloadTriggers.install(running, config.pidFile());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Midge {} terminating", version());
            running.close();
        }, "midge-shutdown"));
        LOG.info("Midge {} running", version());
        if (secureDefault != null) {
            SecureDefaultBanner.print(secureDefault, settings.securePort());
        }
        return running;
    }

    private static void checkUser(BrokerConfig config) {
        if (config.user() != null && runsAsRoot() && !config.user().equals("root")) {
            // mosquitto started as root drops to this user; a JVM cannot, so it would go on
            // serving every client as root.
            throw new ConfigException(config.userAt(), "user " + config.user() + " cannot be honoured: a JVM cannot "
                    + "drop privileges, so Midge would keep running as root; start it as " + config.user()
                    + " instead (e.g. systemd User=" + config.user() + ")");
        }
        if (config.user() != null) {
            LOG.warn("Warning: user {} is ignored: a JVM cannot drop privileges; start Midge as that user instead.",
                    config.user());
        }
    }

    /** mosquitto 2.0's -p: the local-only mode's ports, ignored (warned) when the conf declares a listener. */
    private static List<Integer> localOnlyPorts(RunSettings settings, BrokerConfig config) {
        if (settings.configFile() == null || settings.ports().isEmpty()) {
            return List.of(LOCAL_ONLY_PORT);
        }
        if (config.listeners().isEmpty()) {
            return settings.ports();
        }
        LOG.warn("Warning: -p {} is ignored: {} declares listeners (mosquitto 2.0 ignores -p then too).",
                settings.ports(), settings.configFile());
        return List.of(LOCAL_ONLY_PORT);
    }

    private static PidFile writePidFile(BrokerConfig config) throws StartupException {
        if (config.pidFile() == null) {
            return null;
        }
        try {
            return PidFile.write(config.pidFile());
        } catch (IOException e) {
            throw new StartupException("Error: cannot write pid_file " + config.pidFile() + ": " + e.getMessage(), 1);
        }
    }

    /** user.name is the JVM's lookup of its real uid at start-up. */
    private static boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static String version() {
        String v = BrokerAssembly.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0";
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
        return start(config, discardCorruptStore, localOnlyPorts, List.of());
    }

    /** @param figures figures of what starts after the broker (enrolment), for $SYS and /metrics */
    static RunningBroker start(BrokerConfig config, boolean discardCorruptStore, List<Integer> localOnlyPorts,
                               List<FigureSource> figures) throws StartupException, InterruptedException {
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        FileWatcher watcher = FileWatcher.start();
        resources.push(watcher);
        try {
            ListenerSecurityFactory security = new ListenerSecurityFactory(watcher, config.localOnly());
            List<TlsListenerSecurity> tlsListeners = new ArrayList<>();
            TlsStatistics tlsStatistics = new TlsStatistics();
            BrokerOptions.Builder options = BrokerOptions.builder()
                    .messageSizeLimit(config.messageSizeLimit())
                    // mosquitto's 0 means "no limit"; MQTT 5's Receive Maximum tops out at 65535.
                    .maxInflightMessages(config.maxInflightMessages() == 0 ? 65535 : config.maxInflightMessages())
                    .maxQueuedMessages(config.maxQueuedMessages())
                    .maxQueuedBytes(config.maxQueuedBytes())
                    .maxKeepalive(config.maxKeepalive())
                    .retainAvailable(config.retainAvailable())
                    .maxTopicLevels(config.maxTopicLevels())
                    .delivery(delivery(config.queue()))
                    .persistentClientExpiration(config.persistentClientExpiration())
                    .maxPacketSize(config.maxPacketSize())
                    .webSocketHeadersSize(config.websocketsHeadersSize())
                    .authenticator(security.authenticator(config.security()))
                    .authorizer(security.authorizer(config.security()))
                    .discardCorruptStore(discardCorruptStore)
                    .fileWatcher(watcher) // the broker closes it, and the TLS listeners, with itself
                    .clientIdBinding(ClientIdBinding.valueOf(config.clientIdBinding().name()))
                    .clientIdTakeover(config.clientIdTakeover() == BrokerConfig.ClientIdTakeover.ANY
                            ? ClientIdTakeover.ANY_USERNAME : ClientIdTakeover.SAME_USERNAME);
            access(config, options, resources);
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
                    options.listener(clientIds(ListenerOptions.plain(port).withBindAddress("127.0.0.1"),
                            config.security()));
                    // Clients resolve "localhost" to ::1 first on many systems; mosquitto binds both.
                    if (ipv6LoopbackAvailable()) {
                        options.listener(clientIds(ListenerOptions.plain(port).withBindAddress("::1"),
                                config.security()));
                    }
                }
            }
            for (ListenerConfig listener : config.listeners()) {
                ListenerSecurity tls = null;
                if (listener.isTls() && listener.tls().pskHint() != null) {
                    PskAndCertificateListenerSecurity created = pskAndCertificates(listener, watcher);
                    resources.push(created);
                    tlsListeners.add(created.certificates());
                    created.reportTo(tlsStatistics);
                    tls = created;
                } else if (listener.isTls()) {
                    TlsListenerSecurity created = tls(listener, watcher);
                    resources.push(created);
                    tlsListeners.add(created);
                    created.reportTo(tlsStatistics);
                    tls = created;
                } else if (listener.tls().pskListener()) {
                    PskListenerSecurity created = psk(listener, watcher);
                    created.reportTo(tlsStatistics);
                    tls = created;
                }
                if (listener.isUnixSocket()) {
                    unixSocketFree(listener);
                }
                if (listener.extras().httpDir() != null && !java.nio.file.Files.isDirectory(listener.extras().httpDir())) {
                    throw new StartupException(listener.declaredAt() + ": http_dir " + listener.extras().httpDir()
                            + " is not a directory", 3);
                }
                // bind_interface: one socket per address of the interface.
                for (String address : listener.isUnixSocket() ? java.util.Collections.<String>singletonList(null)
                        : BindInterface.addresses(listener, bindAddress(listener))) {
                    options.listener(clientIds(new ListenerOptions(listener.port(), address,
                            listener.protocol() == ListenerConfig.Protocol.WEBSOCKETS
                                    ? ListenerOptions.Protocol.WEBSOCKETS : ListenerOptions.Protocol.MQTT,
                            tls, listener.maxConnections(),
                            security.authenticator(listener.security()), security.authorizer(listener.security()),
                            listener.useUsernameAsClientId()), listener.security())
                            .withRules(new ListenerRules(listener.extras().maxQos(), listener.maxTopicAlias(),
                                    listener.extras().mountPoint()))
                            .withFiles(new ListenerFiles(listener.extras().unixSocket(), listener.extras().httpDir())));
                }
            }
            SysOptions sys = new SysOptions(config.sys().sysInterval(), metricsAddress(config.sys()), figures)
                    .withFigureSource(tlsStatistics);
            options.sys(sys);
            List<dev.midge.broker.bridge.BridgeOptions> bridges = BridgeStartup.options(config.bridges());
            var cluster = ClusterStartup.link(config, watcher);
            options.cluster(cluster); // the broker joins it at start, closes it with itself
            if (cluster != null) {
                options.figureSource(cluster); // the queue to each other node: $SYS/broker/midge/cluster/...
            }
            MidgeBroker broker = startBroker(options.build());
            resources.push(broker);
            if (cluster != null) {
                cluster.disconnectWith(broker::disconnectClients); // a node without a quorum drops its clients
            }
            BridgeStartup.start(broker, bridges);
            for (TlsListenerSecurity tls : tlsListeners) {
                tls.disconnectRevokedWith(broker::disconnectClients);
            }
            return new RunningBroker(broker, watcher, resources);
        } catch (StartupException | InterruptedException | RuntimeException e) {
            new RunningBroker(null, watcher, resources).close();
            throw e;
        }
    }

    /** midge_metrics_listener's address, resolved now (a name that does not resolve stops start-up). */
    private static InetSocketAddress metricsAddress(SysConfig sys) throws StartupException {
        if (sys.metricsHost() == null) {
            return null;
        }
        InetSocketAddress address = new InetSocketAddress(sys.metricsHost(), sys.metricsPort());
        if (address.isUnresolved()) {
            throw new StartupException("Error: midge_metrics_listener: cannot resolve " + sys.metricsHost(), 3);
        }
        return address;
    }

    /** Java plugins (closed after the broker) and clientid_prefixes. */
    private static void access(BrokerConfig config, BrokerOptions.Builder options, Deque<AutoCloseable> resources)
            throws StartupException {
        for (PluginConfig plugin : config.access().plugins()) {
            PluginLoader.LoadedPlugin loaded = PluginLoader.load(plugin);
            resources.push(loaded);
            options.plugin(loaded.plugin());
        }
        options.clientIdPrefixes(config.access().clientIdPrefixes());
        options.checkRetainSource(config.access().checkRetainSource());
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

    private static PskAndCertificateListenerSecurity pskAndCertificates(ListenerConfig listener, FileWatcher watcher)
            throws StartupException {
        try {
            return PskAndCertificateListenerSecurity.create(listener.tls(), watcher);
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

    /** A stale socket file is removed; a regular file at the path stops start-up at the listener's line. */
    private static void unixSocketFree(ListenerConfig listener) throws StartupException {
        try {
            UnixSocketFile.prepare(listener.extras().unixSocket());
        } catch (IllegalStateException e) {
            throw new StartupException(listener.declaredAt() + ": " + e.getMessage(), 3);
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


    /** allow_zero_length_clientid and auto_id_prefix: security options, so per listener with per_listener_settings. */
    private static ListenerOptions clientIds(ListenerOptions listener, SecurityConfig security) {
        return listener.withZeroLengthClientIds(security.allowZeroLengthClientId(), security.autoIdPrefix());
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

    /** mosquitto's queue/delivery options and Midge's flow control, as the embedding API spells them. */
    private static DeliveryOptions delivery(QueueOptions q) {
        return DeliveryOptions.defaults()
                .withMaxInflightBytes(q.maxInflightBytes())
                .withQueueQos0Messages(q.queueQos0Messages())
                .withUpgradeOutgoingQos(q.upgradeOutgoingQos())
                .withMaxPublisherPause(Duration.ofMillis(q.maxPublisherPauseMs()))
                .withMemoryLimit(q.memoryLimit());
    }

}

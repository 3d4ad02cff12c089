package dev.midge.cli;

import dev.midge.cli.admin.DataDirectoryAccess;
import dev.midge.cli.admin.DeviceAcl;
import dev.midge.cli.run.BrokerAssembly;
import dev.midge.cli.run.CommandLineOverrides;
import dev.midge.cli.run.ReloadTriggers;
import dev.midge.cli.run.ServerCertificateNames;
import dev.midge.cli.run.LogSetup;
import dev.midge.cli.run.PidFile;
import dev.midge.cli.run.RunningBroker;
import dev.midge.cli.run.SecureDefaultBanner;
import dev.midge.cli.run.StartupException;
import dev.midge.conf.BrokerConfig;
import dev.midge.conf.ConfigException;
import dev.midge.conf.ConfigWarning;
import dev.midge.conf.MosquittoConf;
import dev.midge.conf.ParsedConf;
import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import dev.midge.pki.crl.CrlRenewer;
import dev.midge.pki.enrollment.EnrollmentServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs the broker from a mosquitto.conf, or on its secure default. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the broker (the default command).",
                "With -c, from a mosquitto.conf; without, on the secure default: its own CA in the data"
                        + " directory and mutual TLS on --port."})
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    /** mosquitto -d forks; the JVM cannot, and a half-done imitation would hide start-up errors. */
    static final String DAEMON_REFUSED = "Error: -d: a Java process cannot fork itself into the background the way"
            + " mosquitto does. Let the service manager run it (systemd: Type=simple, ExecStart=java -jar broker.jar"
            + " -c FILE), or start it with: nohup java -jar broker.jar -c FILE --pid-file FILE.pid > broker.log 2>&1 &"
            + " (nohup ignores SIGHUP: reload with `java -jar broker.jar reload --pid-file FILE.pid`).";

    @Option(names = {"-c", "--config-file"}, paramLabel = "FILE", description = "a mosquitto.conf")
    Path configFile;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "midge-data",
            description = "data directory of the secure default (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = {"-p", "--port"}, paramLabel = "N",
            description = "without -c: the port of the secure default's mutual-TLS listener (default: 8883)."
                    + " With -c, as mosquitto 2.0: ignored when the conf declares a listener, else plain MQTT on"
                    + " localhost:N instead of 1883; repeatable")
    List<Integer> ports = new ArrayList<>();

    @Option(names = {"-v", "--verbose"}, description = "log everything (log_type all), whatever the conf says")
    boolean verbose;

    @Option(names = {"-d", "--daemon"},
            description = "refused: a JVM cannot fork into the background; see the message for what to use instead")
    boolean daemon;

    @Option(names = "--pid-file", paramLabel = "FILE",
            description = "write the broker's pid here (instead of pid_file); `reload --pid-file FILE` then reloads it")
    Path pidFileOption;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "the secure default listens on this address only (without it: on all interfaces)."
                    + " With -c, the conf's listener lines say where")
    String bind;

    @Option(names = "--server-name", paramLabel = "NAME", split = ",",
            description = "host names and addresses devices may dial, for the secure default's server certificate"
                    + " (default: localhost, this host's name and its addresses); a changed list re-issues it")
    List<String> serverNames = new ArrayList<>();

    @Option(names = "--enrollment-port", paramLabel = "N",
            description = "also serve certificate enrollment (EST, /sign/<cname>/pkcs10) over HTTPS on port N;"
                    + " the same as midge_enrollment_port in a conf")
    Integer enrollmentPort;

    @Option(names = "--enrollment-bind", paramLabel = "ADDRESS",
            description = "the address enrollment listens on (default: every interface);"
                    + " the same as midge_enrollment_bind in a conf")
    String enrollmentBind;

    @Option(names = "--discard-corrupt-store",
            description = "with persistence on, move a store that cannot be read aside and start empty"
                    + " (without it, a corrupt store stops start-up)")
    boolean discardCorruptStore;

    @Override
    public Integer call() {
        try {
            return run();
        } catch (StartupException e) {
            LOG.error(e.getMessage());
            return e.exitCode();
        } catch (ConfigException e) {
            LOG.error("Error: {}", e.getMessage());
            return 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int run() throws StartupException, InterruptedException {
        if (daemon) {
            throw new StartupException(DAEMON_REFUSED, 1);
        }
        if (configFile != null && (bind != null || !serverNames.isEmpty())) {
            throw new StartupException("Error: --bind and --server-name are for the secure default; with -c, the"
                    + " conf's listener lines and certfile say where and as whom the broker listens", 3);
        }
        SecureDefault secureDefault = null;
        Path conf = configFile;
        if (conf == null) {
            secureDefault = initializeSecureDefault();
            conf = secureDefault.conf();
        }
        ParsedConf parsed = MosquittoConf.parse(conf);
        BrokerConfig config = CommandLineOverrides.apply(parsed.config(), verbose, pidFileOption, bind);
        LogSetup.apply(config.logTypes(), config.logDestinations().contains(BrokerConfig.LogDestination.STDOUT),
                config.logDestinations().contains(BrokerConfig.LogDestination.STDERR), config.logFile());
        LOG.info("Midge {} starting", version());
        LOG.info("Config loaded from {}.", conf);
        for (ConfigWarning warning : parsed.warnings()) {
            LOG.warn("Warning: {}", warning);
        }
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
        List<Integer> localOnlyPorts = List.of(1883);
        if (configFile != null && !ports.isEmpty()) {
            if (config.listeners().isEmpty()) {
                localOnlyPorts = ports;
            } else {
                LOG.warn("Warning: -p {} is ignored: {} declares listeners (mosquitto 2.0 ignores -p then too).",
                        ports, configFile);
            }
        }
        RunningBroker running = BrokerAssembly.start(config, discardCorruptStore, localOnlyPorts);
        PidFile pidFile;
        try {
            pidFile = writePidFile(config);
        } catch (StartupException e) {
            running.close();
            throw e;
        }
        if (pidFile != null) {
            running.closeWithBroker(pidFile);
        }
        if (secureDefault != null) {
            running.closeWithBroker(scheduleCrlRenewal(secureDefault.dataDirectory()));
        }
        int enrollment = enrollmentPort != null ? enrollmentPort : config.enrollmentPort();
        if (enrollment != 0) {
            String bind = enrollmentBind != null ? enrollmentBind : config.enrollmentBind();
            running.closeWithBroker(startEnrollment(enrollment, bind, secureDefault, running,
                    config.security().aclFile()));
        }
        ReloadTriggers.install(running, config.pidFile());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Midge {} terminating", version());
            running.close();
            stopped.countDown();
        }, "midge-shutdown"));
        LOG.info("Midge {} running", version());
        if (secureDefault != null) {
            SecureDefaultBanner.print(secureDefault, securePort());
        }
        stopped.await();
        return 0;
    }

    private SecureDefault initializeSecureDefault() throws StartupException {
        try {
            if (ports.size() > 1) {
                throw new StartupException("Error: the secure default has one listener: give -p/--port once", 1);
            }
            DataDirectoryAccess.check(dataDir);
            SecureDefault created = DataDirectory.openOrInitialize(dataDir, securePort());
            if (created.created()) {
                LOG.info("Created the data directory {}: a root and an issuing CA, a server certificate, an ACL and a CRL.",
                        created.dataDirectory().toAbsolutePath());
            }
            ServerCertificateNames.ensure(DataDirectory.open(created.dataDirectory()),
                    serverNames.isEmpty() ? ServerCertificateNames.defaults() : new LinkedHashSet<>(serverNames));
            return created;
        } catch (IOException e) {
            throw new StartupException("Error: cannot issue the server certificate in " + dataDir + ": "
                    + IoErrors.describe(e), 1);
        } catch (java.io.UncheckedIOException e) {
            // Its message ends with the bare path the JDK gives; the cause's type says what happened.
            throw new StartupException("Error: cannot set up the data directory " + dataDir + ": "
                    + IoErrors.describe(e.getCause()), 1);
        } catch (RuntimeException e) {
            throw new StartupException("Error: " + e.getMessage(), 1);
        }
    }

    /**
     * The running broker keeps its own CRL fresh: a device must never be refused because nobody
     * ran {@code crl update} in time. Checked hourly; the renewer reissues well before nextUpdate.
     */
    private static AutoCloseable scheduleCrlRenewal(Path dataDirectory) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "midge-crl-renewal");
            t.setDaemon(true);
            return t;
        });
        CrlRenewer renewer = DataDirectory.crlRenewer(dataDirectory);
        executor.scheduleWithFixedDelay(() -> {
            try {
                if (renewer.renewIfDue()) {
                    LOG.info("Renewed the CRL of {}.", dataDirectory);
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("Could not renew the CRL of {}: {}", dataDirectory, e.getMessage());
            }
        }, 0, 1, TimeUnit.HOURS);
        return executor::shutdownNow;
    }

    /**
     * Enrollment signs with the data directory's CA, so it needs one: the secure default's, or
     * with {@code -c} the existing one given by {@code --data}. With {@code -c} the directory is
     * only opened, never set up: the operator's conf may be DIR/midge.conf itself, edited, and
     * setting up the secure default would rewrite it.
     */
    private EnrollmentServer startEnrollment(int enrollmentPort, String bind, SecureDefault secureDefault,
                                             RunningBroker running, Path aclFile) throws StartupException {
        String where = (bind == null ? "port " : bind + " port ") + enrollmentPort;
        try {
            InetSocketAddress address = bind == null ? new InetSocketAddress(enrollmentPort)
                    : new InetSocketAddress(InetAddress.getByName(bind), enrollmentPort);
            DataDirectory data = DataDirectory.open(secureDefault != null ? secureDefault.dataDirectory() : dataDir);
            if (secureDefault == null) {
                data.repairCrl(); // the secure default repaired it before listening
            }
            // EJBCA-REST's POST /user edits the ACL the broker reads, as device add does.
            return EnrollmentServer.start(EnrollmentServer.Settings.onPort(enrollmentPort).withBind(address)
                            .withAcl(new DeviceAcl(aclFile != null ? aclFile : data.aclFile())),
                    data, data.serverCertificate(), data.serverKey());
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            running.close();
            throw new StartupException("Error: cannot start enrollment on " + where + ": " + e.getMessage(), 1);
        }
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

    private int securePort() {
        return ports.isEmpty() ? 8883 : ports.get(0);
    }

    static String version() {
        String v = RunCommand.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0";
    }
}

package dev.midge.cli;

import dev.midge.cli.run.BrokerAssembly;
import dev.midge.cli.run.HangupSignal;
import dev.midge.cli.run.LogSetup;
import dev.midge.cli.run.OcspPublication;
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
import dev.midge.pki.ocsp.OcspServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs the broker from a mosquitto.conf, or on its secure default. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the broker (the default command).",
                "With -c, from a mosquitto.conf; without, on the secure default: its own CA in the data",
                "directory and mutual TLS on --port."})
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config-file"}, paramLabel = "FILE", description = "a mosquitto.conf")
    Path configFile;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "midge-data",
            description = "data directory of the secure default (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8883",
            description = "port of the secure default's mutual-TLS listener (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--enrollment-port", paramLabel = "N",
            description = "also serve certificate enrollment (EST, /sign/<cname>/pkcs10) over HTTPS on port N;"
                    + " the same as midge_enrollment_port in a conf")
    Integer enrollmentPort;

    @Option(names = "--enrollment-bind", paramLabel = "ADDRESS",
            description = "the address enrollment listens on (default: every interface);"
                    + " the same as midge_enrollment_bind in a conf")
    String enrollmentBind;

    @Option(names = "--ocsp-port", paramLabel = "N",
            description = "also serve the built-in CA's OCSP responder over plain HTTP on port N (/ocsp);"
                    + " the same as midge_ocsp_port in a conf")
    Integer ocspPort;

    @Option(names = "--ocsp-url", paramLabel = "URL",
            description = "the OCSP URL certificates issued from now on carry (the responder's public address;"
                    + " default: this broker's responder when it runs); the same as midge_ocsp_url in a conf")
    String ocspUrl;

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
        SecureDefault secureDefault = null;
        Path conf = configFile;
        if (conf == null) {
            secureDefault = initializeSecureDefault();
            conf = secureDefault.conf();
        }
        ParsedConf parsed = MosquittoConf.parse(conf);
        BrokerConfig config = parsed.config();
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
        RunningBroker running = BrokerAssembly.start(config, discardCorruptStore);
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
        EnrollmentServer enrollmentServer = null;
        if (enrollment != 0) {
            String bind = enrollmentBind != null ? enrollmentBind : config.enrollmentBind();
            enrollmentServer = startEnrollment(enrollment, bind, secureDefault, running);
            running.closeWithBroker(enrollmentServer);
        }
        startOcsp(config, secureDefault, enrollmentServer, running);
        HangupSignal.onHangup(running::reloadAll);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Midge {} terminating", version());
            running.close();
            stopped.countDown();
        }, "midge-shutdown"));
        LOG.info("Midge {} running", version());
        if (secureDefault != null) {
            SecureDefaultBanner.print(secureDefault, port);
        }
        stopped.await();
        return 0;
    }

    private SecureDefault initializeSecureDefault() throws StartupException {
        try {
            SecureDefault created = DataDirectory.openOrInitialize(dataDir, port);
            if (created.created()) {
                LOG.info("Created the data directory {}: a root and an issuing CA, a server certificate, an ACL and a CRL.",
                        created.dataDirectory().toAbsolutePath());
            }
            return created;
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
     * with {@code -c} the one given by {@code --data}.
     */
    private EnrollmentServer startEnrollment(int enrollmentPort, String bind, SecureDefault secureDefault,
                                             RunningBroker running) throws StartupException {
        String where = (bind == null ? "port " : bind + " port ") + enrollmentPort;
        try {
            InetSocketAddress address = bind == null ? new InetSocketAddress(enrollmentPort)
                    : new InetSocketAddress(InetAddress.getByName(bind), enrollmentPort);
            SecureDefault data = secureDefault != null ? secureDefault : DataDirectory.openOrInitialize(dataDir, port);
            return EnrollmentServer.start(EnrollmentServer.Settings.onPort(enrollmentPort).withBind(address),
                    DataDirectory.open(data.dataDirectory()), data.serverCertificate(), data.serverKey());
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            running.close();
            throw new StartupException("Error: cannot start enrollment on " + where + ": " + e.getMessage(), 1);
        }
    }

    /**
     * The plain-HTTP OCSP responder (when asked for), and the OCSP URL issued certificates carry.
     * Both concern the built-in CA, so with {@code -c} they need the data directory of --data.
     */
    private void startOcsp(BrokerConfig config, SecureDefault secureDefault, EnrollmentServer enrollment,
                           RunningBroker running) throws StartupException {
        int port = ocspPort != null ? ocspPort : config.ocspPort();
        String url = ocspUrl != null ? ocspUrl : config.ocspUrl();
        if (ocspUrl != null && !ocspUrl.matches("https?://[^/\\s]+(/\\S*)?")) {
            running.close();
            throw new StartupException("Error: --ocsp-url " + ocspUrl + " is not an http:// URL such as"
                    + " http://ca.example.com:8080/ocsp", 3);
        }
        if (secureDefault == null && port == 0 && enrollment == null) {
            if (url != null) {
                LOG.warn("Warning: the OCSP URL {} is not written into any certificate: Midge's own CA is not in use"
                        + " (no data directory, enrollment or midge_ocsp_port)", url);
            }
            return;
        }
        try {
            DataDirectory data = DataDirectory.open(secureDefault != null ? secureDefault.dataDirectory()
                    : DataDirectory.openOrInitialize(dataDir, this.port).dataDirectory());
            OcspServer server = null;
            if (port != 0) {
                server = OcspServer.start(new InetSocketAddress(port), data);
                running.closeWithBroker(server);
            }
            String published = OcspPublication.publish(data, url, server == null ? 0 : server.port(),
                    enrollment == null ? 0 : enrollment.port());
            if (published != null) {
                LOG.info("Certificates issued from now on name the OCSP responder {}.", published);
            }
        } catch (IOException | RuntimeException e) {
            running.close();
            throw new StartupException("Error: cannot start the OCSP responder on port " + port + ": "
                    + e.getMessage(), 1);
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

    static String version() {
        String v = RunCommand.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0";
    }
}

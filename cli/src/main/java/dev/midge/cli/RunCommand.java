package dev.midge.cli;

import dev.midge.cli.launch.Relaunch;
import dev.midge.cli.run.BrokerAssembly;
import dev.midge.cli.run.TerminationSignals;
import dev.midge.cli.run.RunSettings;
import dev.midge.cli.run.StartupException;
import dev.midge.cli.run.TlsProviderSwitch;
import dev.midge.conf.ConfigException;
import dev.midge.conf.TlsProviderDefault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code run}'s command line; {@link BrokerAssembly#run} starts what it says. */
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
            description = "also serve certificate enrollment over HTTPS on port N: EST, dojot's EJBCA-REST"
                    + " (/auth, /ca, /user, /sign/<cname>/pkcs10) and OCSP (/ocsp); the same as"
                    + " midge_enrollment_port in a conf (README: Enrolment)")
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

    @Option(names = "--metrics-listener", paramLabel = "[ADDRESS:]PORT",
            description = "serve /metrics (Prometheus) and /health over HTTP here; a port alone is 127.0.0.1;"
                    + " the same as midge_metrics_listener in a conf (default: off)")
    String metricsListener;

    @Option(names = "--discard-corrupt-store",
            description = "with persistence on, move a store that cannot be read aside and start empty"
                    + " (without it, a corrupt store stops start-up)")
    boolean discardCorruptStore;

    @Option(names = "--tls-provider", paramLabel = "jdk|openssl",
            description = "who runs the handshakes of every certificate listener without its own midge_tls_provider"
                    + " line (the secure default's too): the JDK's TLS, or OpenSSL's (BoringSSL, linux-x86_64)"
                    + " (default: $" + TlsProviderSwitch.ENVIRONMENT + ", else jdk)")
    String tlsProvider;

    @Override
    public Integer call() {
        try {
            if (daemon) {
                throw new StartupException(DAEMON_REFUSED, 1);
            }
            TlsProviderDefault provider = TlsProviderSwitch.resolve(tlsProvider,
                    System.getenv(TlsProviderSwitch.ENVIRONMENT));
            TerminationSignals.exitCleanly();
            LOG.info(Relaunch.describeThisJvm());
            BrokerAssembly.run(new RunSettings(configFile, dataDir, ports, verbose, pidFileOption, bind, serverNames,
                    enrollmentPort, enrollmentBind, discardCorruptStore, ocspPort, ocspUrl, metricsListener, provider)).awaitClosed();
            return 0;
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
}

package dev.midge.cli.run;

import dev.midge.conf.TlsProviderDefault;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code run}'s command line says, parsed and nothing more: {@link BrokerAssembly#run} turns it
 * into a running broker.
 *
 * @param configFile          {@code -c}, or null for the secure default
 * @param dataDir             {@code --data}: the secure default's data directory (and enrollment's CA with -c)
 * @param ports               {@code -p}, in order (empty when not given)
 * @param verbose             {@code -v}: log_type all
 * @param pidFile             {@code --pid-file}, or null for the conf's pid_file
 * @param bind                {@code --bind}, or null (secure default only)
 * @param serverNames         {@code --server-name} (secure default only; empty for the defaults)
 * @param enrollmentPort      {@code --enrollment-port}, or null for the conf's midge_enrollment_port
 * @param enrollmentBind      {@code --enrollment-bind}, or null for the conf's midge_enrollment_bind
 * @param discardCorruptStore {@code --discard-corrupt-store}
 * @param ocspPort            {@code --ocsp-port}, or null for the conf's midge_ocsp_port
 * @param ocspUrl             {@code --ocsp-url}, or null for the conf's midge_ocsp_url
 * @param metricsListener     {@code --metrics-listener [ADDRESS:]PORT}, or null for the conf's midge_metrics_listener
 * @param tlsProvider         {@code --tls-provider} or MIDGE_TLS_PROVIDER: certificate listeners without midge_tls_provider
 */
public record RunSettings(Path configFile, Path dataDir, List<Integer> ports, boolean verbose, Path pidFile,
                          String bind, List<String> serverNames, Integer enrollmentPort, String enrollmentBind,
                          boolean discardCorruptStore, Integer ocspPort, String ocspUrl, String metricsListener,
                          TlsProviderDefault tlsProvider) {

    public RunSettings {
        ports = List.copyOf(ports);
        serverNames = List.copyOf(serverNames);
    }

    /** The secure default's listener port: -p, else 8883. */
    int securePort() {
        return ports.isEmpty() ? 8883 : ports.get(0);
    }
}

package dev.midge.cli.run;

import dev.midge.conf.BrokerConfig;
import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import dev.midge.pki.enrollment.EnrollmentServer;
import dev.midge.pki.ocsp.OcspServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The plain-HTTP OCSP responder (when asked for), and the OCSP URL issued certificates carry.
 * Both concern the built-in CA, so with {@code -c} they need the data directory of --data.
 */
final class OcspStartup {

    private static final Logger LOG = LoggerFactory.getLogger(OcspStartup.class);

    private OcspStartup() {
    }

    /** @param enrollment the enrollment server when it runs (its /ocsp is the fallback URL), else null */
    static void start(RunSettings settings, BrokerConfig config, SecureDefault secureDefault,
                      EnrollmentServer enrollment, RunningBroker running) throws StartupException {
        int port = settings.ocspPort() != null ? settings.ocspPort() : config.ocspPort();
        String url = settings.ocspUrl() != null ? settings.ocspUrl() : config.ocspUrl();
        if (settings.ocspUrl() != null && !settings.ocspUrl().matches("https?://[^/\\s]+(/\\S*)?")) {
            throw new StartupException("Error: --ocsp-url " + settings.ocspUrl() + " is not an http:// URL such as"
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
                    : settings.dataDir());
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
            throw new StartupException("Error: cannot start the OCSP responder on port " + port + ": "
                    + e.getMessage(), 1);
        }
    }
}

package dev.midge.cli.run;

import dev.midge.cli.IoErrors;
import dev.midge.cli.admin.DataDirectoryAccess;
import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/** The secure default's data directory: created on first run, its server certificate kept matching the names. */
final class SecureDefaultSetup {

    private static final Logger LOG = LoggerFactory.getLogger(SecureDefaultSetup.class);

    private SecureDefaultSetup() {
    }

    static SecureDefault initialize(RunSettings settings) throws StartupException {
        try {
            if (settings.ports().size() > 1) {
                throw new StartupException("Error: the secure default has one listener: give -p/--port once", 1);
            }
            DataDirectoryAccess.check(settings.dataDir());
            Set<String> serverNames = settings.serverNames().isEmpty() ? ServerCertificateNames.defaults()
                    : new LinkedHashSet<>(settings.serverNames());
            // The names go in at creation, so a first run issues the server certificate once.
            SecureDefault created = DataDirectory.openOrInitialize(settings.dataDir(), settings.securePort(),
                    ServerCertificateNames.generalNames(serverNames));
            if (created.created()) {
                LOG.info("Created the data directory {}: a root and an issuing CA, a server certificate, an ACL and a CRL.",
                        created.dataDirectory().toAbsolutePath());
            }
            ServerCertificateNames.ensure(DataDirectory.open(created.dataDirectory()), serverNames);
            return created;
        } catch (IOException e) {
            throw new StartupException("Error: cannot issue the server certificate in " + settings.dataDir() + ": "
                    + IoErrors.describe(e), 1);
        } catch (java.io.UncheckedIOException e) {
            // Its message ends with the bare path the JDK gives; the cause's type says what happened.
            throw new StartupException("Error: cannot set up the data directory " + settings.dataDir() + ": "
                    + IoErrors.describe(e.getCause()), 1);
        } catch (RuntimeException e) {
            throw new StartupException("Error: " + e.getMessage(), 1);
        }
    }
}

package dev.midge.cli.run;

import dev.midge.cli.admin.DeviceAcl;
import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import dev.midge.pki.enrollment.EnrollmentServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Enrollment signs with the data directory's CA, so it needs one: the secure default's, or
 * with {@code -c} the existing one given by {@code --data}. With {@code -c} the directory is
 * only opened, never set up: the operator's conf may be DIR/midge.conf itself, edited, and
 * setting up the secure default would rewrite it.
 */
final class EnrollmentStartup {

    private EnrollmentStartup() {
    }

    /**
     * @param secureDefault the secure default the broker runs on, or null with -c ({@code dataDir} is then used)
     * @param aclFile       the conf's {@code acl_file}, or null for the data directory's: EJBCA-REST's
     *                      {@code POST /user} gives devices their entries there, as {@code device add} does
     */
    static EnrollmentServer start(int port, String bind, SecureDefault secureDefault, Path dataDir, Path aclFile)
            throws StartupException {
        String where = (bind == null ? "port " : bind + " port ") + port;
        try {
            InetSocketAddress address = bind == null ? new InetSocketAddress(port)
                    : new InetSocketAddress(InetAddress.getByName(bind), port);
            DataDirectory data = DataDirectory.open(secureDefault != null ? secureDefault.dataDirectory() : dataDir);
            if (secureDefault == null) {
                data.repairCrl(); // the secure default repaired it before listening
            }
            return EnrollmentServer.start(EnrollmentServer.Settings.onPort(port).withBind(address)
                            .withAcl(new DeviceAcl(aclFile != null ? aclFile : data.aclFile())),
                    data, data.serverCertificate(), data.serverKey());
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            throw new StartupException("Error: cannot start enrollment on " + where + ": " + e.getMessage(), 1);
        }
    }
}

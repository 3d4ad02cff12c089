package dev.midge.cli.admin;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.store.Pem;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.security.cert.X509CRL;

/** {@code crl update}: issue a fresh CRL now (new number, new nextUpdate). */
@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Issue a fresh CRL now; the running broker picks it up by itself.")
final class CrlUpdateCommand extends DataDirectoryCommand {

    @Override
    int run() throws IOException {
        DataDirectory data = location.resolve().data();
        data.authority().crlPublisher().publish();
        X509CRL crl = Pem.readCrls(data.crlFile()).get(0);
        out().println("Wrote a fresh CRL to " + data.crlFile() + " (" + (crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size())
                + " revoked, next update " + crl.getNextUpdate().toInstant() + ")");
        return 0;
    }
}

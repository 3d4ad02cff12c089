package dev.midge.cli.admin;

import dev.midge.pki.index.IndexEntry;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.time.Instant;

/** {@code cert list}: the index, one line per certificate. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List every issued certificate.")
final class CertListCommand extends DataDirectoryCommand {

    @Override
    int run() throws IOException {
        Instant now = Instant.now();
        String format = "%-32s %-8s %-22s %-8s %s%n";
        out().printf(format, "SERIAL", "STATUS", "NOT AFTER", "PROFILE", "SUBJECT");
        for (IndexEntry e : location.resolve().data().index().entries()) {
            String status = e.status(now).name().toLowerCase(java.util.Locale.ROOT);
            out().printf(format, SerialNumber.format(e.serial()), status, e.notAfter(), e.profile(), e.subject()
                    + (e.revokedAt() != null ? " (revoked " + e.revokedAt() + ", " + e.reason() + ")" : ""));
        }
        return 0;
    }
}

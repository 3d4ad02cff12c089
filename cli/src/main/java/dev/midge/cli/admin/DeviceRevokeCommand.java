package dev.midge.cli.admin;

import dev.midge.pki.CertificateAuthority;
import dev.midge.pki.crl.RevocationReason;
import dev.midge.pki.index.IndexEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/** {@code device revoke ID}: revokes the device's certificates; the running broker drops it on the new CRL. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = {"Revoke every valid certificate of device ID and write a new CRL.",
                "A running broker watching the CRL disconnects the device within a second."})
final class DeviceRevokeCommand extends DataDirectoryCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "device ID (the certificates' CN)")
    String id;

    @Option(names = "--reason", paramLabel = "REASON", defaultValue = "unspecified",
            description = "RFC 5280 reason: unspecified, keyCompromise, cACompromise, affiliationChanged, superseded,"
                    + " cessationOfOperation, privilegeWithdrawn, aACompromise (default: ${DEFAULT-VALUE})")
    String reason;

    @Override
    int run() throws IOException {
        RevocationReason why = RevocationReason.parse(reason);
        DataDirectoryOptions.Resolved where = location.resolve();
        CertificateAuthority ca = where.data().authority();
        List<IndexEntry> revoked = ca.revoke(id, why);
        if (revoked.isEmpty()) {
            List<IndexEntry> earlier = ca.revokedCertificates(id);
            if (earlier.isEmpty()) {
                throw new AdminException(id + " has no valid certificate to revoke");
            }
            // Idempotent: a revoke killed before its CRL was written is finished by running it again.
            out().println(id + " was already revoked: " + earlier.stream().map(IndexEntry::serialHex)
                    .collect(Collectors.joining(", ")));
            out().println("Wrote the CRL " + where.data().crlFile() + " again from the index");
            return 0;
        }
        out().println("Revoked " + revoked.size() + " certificate(s) of " + id + " (" + why + "): "
                + revoked.stream().map(e -> SerialNumber.format(e.serial())).collect(Collectors.joining(", ")));
        out().println("Wrote the CRL " + where.data().crlFile());
        return 0;
    }
}

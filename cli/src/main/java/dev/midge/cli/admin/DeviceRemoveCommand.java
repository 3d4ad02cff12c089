package dev.midge.cli.admin;

import dev.midge.acl.edit.AclFileEditor;
import dev.midge.pki.crl.RevocationReason;
import dev.midge.pki.index.IndexEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.List;

/** {@code device remove ID}: revoke, drop its ACL block and any pending enrollment. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Revoke device ID's certificates, remove its ACL entries and any pending enrollment.")
final class DeviceRemoveCommand extends DataDirectoryCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "device ID")
    String id;

    @Option(names = "--reason", paramLabel = "REASON", defaultValue = "cessationOfOperation",
            description = "RFC 5280 revocation reason (default: ${DEFAULT-VALUE})")
    String reason;

    @Override
    int run() throws IOException {
        RevocationReason why = RevocationReason.parse(reason);
        DataDirectoryOptions.Resolved where = location.resolve();
        boolean hadCertificates = where.data().index().entries().stream()
                .anyMatch(e -> e.commonName().equals(id) && e.isValid(java.time.Instant.now()));
        List<IndexEntry> revoked = hadCertificates ? where.data().authority().revoke(id, why) : List.of();
        boolean hadAcl = new AclFileEditor(where.aclFile()).removeUser(id);
        boolean hadEnrollment = where.data().enrollments().remove(id);
        if (!hadCertificates && !hadAcl && !hadEnrollment) {
            throw new AdminException("no device " + id + " (no valid certificate, ACL entry or enrollment)");
        }
        out().println("Removed " + id + ": revoked " + revoked.size() + " certificate(s)"
                + (hadAcl ? ", removed its ACL entries from " + where.aclFile() : "")
                + (hadEnrollment ? ", cancelled its enrollment" : "") + ".");
        return 0;
    }
}

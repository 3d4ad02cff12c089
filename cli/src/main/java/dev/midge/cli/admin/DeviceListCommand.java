package dev.midge.cli.admin;

import dev.midge.pki.enrollment.EndEntity;
import dev.midge.pki.index.IndexEntry;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** {@code device list}: one line per device, from the index and the pending enrollments. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List devices: valid/revoked certificates, latest expiry, enrollment state.")
final class DeviceListCommand extends DataDirectoryCommand {

    @Override
    int run() throws IOException {
        DataDirectoryOptions.Resolved where = location.resolve();
        Instant now = Instant.now();
        Map<String, List<IndexEntry>> byDevice = where.data().index().entries().stream()
                .filter(e -> e.profile().equals("device"))
                .collect(Collectors.groupingBy(IndexEntry::commonName, TreeMap::new, Collectors.toList()));
        Map<String, EndEntity> enrollments = where.data().enrollments().entities().stream()
                .collect(Collectors.toMap(EndEntity::id, e -> e));
        TreeSet<String> ids = new TreeSet<>(byDevice.keySet());
        ids.addAll(enrollments.keySet());
        String format = "%-32s %-7s %-9s %-22s %s%n";
        out().printf(format, "ID", "VALID", "REVOKED", "LATEST NOT AFTER", "ENROLLMENT");
        for (String id : ids) {
            List<IndexEntry> certs = byDevice.getOrDefault(id, List.of());
            long valid = certs.stream().filter(e -> e.isValid(now)).count();
            long revoked = certs.stream().filter(e -> e.revokedAt() != null).count();
            String latest = certs.stream().map(IndexEntry::notAfter).max(Instant::compareTo)
                    .map(Instant::toString).orElse("-");
            EndEntity enrollment = enrollments.get(id);
            String state = enrollment == null ? "-" : enrollment.status() == EndEntity.Status.GENERATED ? "used"
                    : enrollment.expires().isBefore(now) ? "expired" : "pending until " + enrollment.expires();
            out().printf(format, id, valid, revoked, latest, state);
        }
        return 0;
    }
}

package dev.midge.cli.admin;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.index.IndexEntry;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Finds a certificate by serial (hex) or by device ID (then its latest certificate). */
final class CertificateLookup {

    private CertificateLookup() {
    }

    static IndexEntry find(DataDirectory data, String serialOrId) {
        List<IndexEntry> entries = data.index().entries();
        Optional<IndexEntry> bySerial = entries.stream()
                .filter(e -> e.serial().equals(serial(serialOrId))).findFirst();
        if (bySerial.isPresent()) {
            return bySerial.get();
        }
        Instant now = Instant.now();
        return entries.stream().filter(e -> e.commonName().equals(serialOrId))
                .max(Comparator.comparing((IndexEntry e) -> e.isValid(now)).thenComparing(IndexEntry::notAfter))
                .orElseThrow(() -> new AdminException("no certificate with serial or ID '" + serialOrId + "'"));
    }

    /** A serial as openssl prints it (leading zero, colons or not); null if it is not hex. */
    private static BigInteger serial(String hex) {
        try {
            return new BigInteger(hex.replace(":", ""), 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

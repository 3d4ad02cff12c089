package dev.midge.pki.index;

import dev.midge.pki.PkiException;
import dev.midge.pki.crl.RevocationReason;
import dev.midge.pki.store.AtomicFiles;
import dev.midge.pki.store.FileLocks;
import dev.midge.pki.store.LockedTable;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;

/**
 * Every certificate the CA issued, in a text file (one tab-separated line per certificate)
 * that survives crashes (atomic replace) and is shared by the CLI and the running broker (every
 * read-modify-write holds the lock file). Also holds the CRL number counter, for the same reasons.
 */
public final class CertificateIndex {

    private final LockedTable<IndexEntry> table;
    private final Path crlNumberFile;

    public CertificateIndex(Path file) {
        this.table = new LockedTable<>(file, new Rows(), false);
        this.crlNumberFile = file.resolveSibling("crlnumber");
    }

    public Path file() {
        return table.file();
    }

    public List<IndexEntry> entries() {
        return table.rows();
    }

    /** Reads, lets {@code change} edit the list, writes it back: all under the lock. */
    public <T> T update(Function<List<IndexEntry>, T> change) {
        return table.update(change);
    }

    /** The next CRL number: strictly greater than every one handed out before (RFC 5280 5.2.3). */
    public BigInteger nextCrlNumber() {
        return table.locked(() -> {
            BigInteger last = BigInteger.ZERO;
            if (Files.exists(crlNumberFile)) {
                String text = Files.readString(crlNumberFile, StandardCharsets.US_ASCII).strip();
                try {
                    last = new BigInteger(text, 16);
                } catch (NumberFormatException e) {
                    throw new PkiException(crlNumberFile + ":1: not a hexadecimal CRL number: '" + text + "'");
                }
            }
            BigInteger next = last.add(BigInteger.ONE);
            AtomicFiles.writeString(crlNumberFile, next.toString(16).toUpperCase(java.util.Locale.ROOT) + "\n", false);
            return next;
        });
    }

    /**
     * Runs {@code action} holding the index lock, for work that must see and act on one state
     * of the index (publishing a CRL: a slower publisher must not overwrite a newer CRL with an
     * older view). Calls on this index from inside {@code action} are allowed.
     */
    public <T> T exclusively(FileLocks.LockedAction<T> action) throws IOException {
        return table.exclusively(action);
    }

    /** serial, status (V/R), not after, revoked at, reason, profile, subject. */
    private static final class Rows implements LockedTable.RowFormat<IndexEntry> {

        @Override
        public String header() {
            return "# serial\tstatus\tnot_after\trevoked_at\treason\tprofile\tsubject\n";
        }

        @Override
        public IndexEntry parse(String line, Path file, int number) {
            String[] f = line.split("\t", 7);
            if (f.length != 7) {
                throw new PkiException(file + ":" + number + ": expected 7 tab-separated fields, found " + f.length);
            }
            try {
                boolean revoked = f[1].equals("R");
                if (!revoked && !f[1].equals("V")) {
                    throw new PkiException(file + ":" + number + ": status must be V or R, not '" + f[1] + "'");
                }
                return new IndexEntry(new BigInteger(f[0], 16), f[6], Instant.parse(f[2]),
                        revoked ? Instant.parse(f[3]) : null, revoked ? RevocationReason.parse(f[4]) : null, f[5]);
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new PkiException(file + ":" + number + ": " + e.getMessage());
            }
        }

        @Override
        public String format(IndexEntry e) {
            boolean revoked = e.revokedAt() != null;
            return e.serialHex() + '\t'
                    + (revoked ? "R" : "V") + '\t'
                    + e.notAfter() + '\t'
                    + (revoked ? e.revokedAt().toString() : "-") + '\t'
                    + (revoked ? e.reason().name() : "-") + '\t'
                    + e.profile() + '\t'
                    + e.subject().replace('\t', ' ').replace('\n', ' ');
        }
    }
}

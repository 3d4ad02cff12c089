package dev.midge.pki.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A text table of rows (one line each, {@code #} comments and blank lines skipped) shared by
 * the CLI and the running broker: every read-modify-write holds the lock file {@code FILE.lock}
 * and the file is replaced atomically, so a crash or a second process never sees half a table.
 * The row format belongs to the caller ({@link RowFormat}); this class owns only locking and I/O.
 */
public final class LockedTable<R> {

    /** How one row is read from and written to its line. */
    public interface RowFormat<R> {
        /** The first line of the file, ending in a newline (a comment naming the columns). */
        String header();

        /** Parses one non-comment line; throws with {@code file:line} when it is malformed. */
        R parse(String line, Path file, int lineNumber);

        /** One line without its newline. */
        String format(R row);
    }

    private final Path file;
    private final Path lockFile;
    private final RowFormat<R> format;
    private final boolean secret;

    /** {@code secret}: the file is created readable by its owner only. */
    public LockedTable(Path file, RowFormat<R> format, boolean secret) {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
        this.format = format;
        this.secret = secret;
    }

    public Path file() {
        return file;
    }

    public List<R> rows() {
        return locked(() -> List.copyOf(read()));
    }

    /** Reads, lets {@code change} edit the list, writes it back: all under the lock. */
    public <T> T update(Function<List<R>, T> change) {
        return locked(() -> {
            List<R> rows = read();
            T result = change.apply(rows);
            write(rows);
            return result;
        });
    }

    /** Runs {@code action} holding this table's lock; calls on the table from inside are allowed. */
    public <T> T exclusively(FileLocks.LockedAction<T> action) throws IOException {
        return FileLocks.withLock(lockFile, action);
    }

    /** Like {@link #exclusively} with an I/O failure reported as unchecked, naming the file. */
    public <T> T locked(FileLocks.LockedAction<T> action) {
        try {
            return FileLocks.withLock(lockFile, action);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + file + ": " + e.getMessage(), e);
        }
    }

    private List<R> read() throws IOException {
        List<R> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            rows.add(format.parse(line, file, i + 1));
        }
        return rows;
    }

    private void write(List<R> rows) throws IOException {
        StringBuilder text = new StringBuilder(format.header());
        for (R row : rows) {
            text.append(format.format(row)).append('\n');
        }
        AtomicFiles.writeString(file, text.toString(), secret);
    }
}

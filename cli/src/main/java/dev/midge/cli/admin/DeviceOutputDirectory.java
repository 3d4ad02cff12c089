package dev.midge.cli.admin;

import dev.midge.cli.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks {@code --out} before anything is issued: a certificate issued for files that cannot
 * be written would stay valid in the index with nobody holding its key. Writability is proved
 * by writing (a probe file), not by permission bits: those say nothing about a read-only mount,
 * a full disk, or root.
 */
final class DeviceOutputDirectory {

    private DeviceOutputDirectory() {
    }

    static void check(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new AdminException("--out " + out + ": is a file, not a directory");
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new AdminException("--out " + out + ": cannot create the directory: " + IoErrors.describe(e));
        }
        try {
            Path probe = Files.createTempFile(out, ".midge-write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new AdminException("--out " + out + ": cannot write there: " + IoErrors.describe(e));
        }
    }
}

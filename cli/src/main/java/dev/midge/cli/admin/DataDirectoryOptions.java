package dev.midge.cli.admin;

import dev.midge.pki.DataDirectory;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the CA lives: {@code --data DIR}, or {@code -c CONF} naming a mosquitto.conf whose
 * acl_file and crlfile are in a Midge data directory (the generated one, or a copy of it).
 */
final class DataDirectoryOptions {

    @Option(names = "--data", paramLabel = "DIR",
            description = "Midge data directory (default: midge-data)")
    Path dataDir;

    @Option(names = {"-c", "--config-file"}, paramLabel = "CONF",
            description = "a mosquitto.conf whose crlfile lives in a Midge data directory (instead of --data)")
    Path configFile;

    /** The data directory and the ACL file the broker actually reads. */
    record Resolved(DataDirectory data, Path aclFile) {
    }

    Resolved resolve() {
        if (dataDir != null && configFile != null) {
            throw new AdminException("give either --data or -c, not both");
        }
        if (configFile == null) {
            Path dir = dataDir != null ? dataDir : Path.of("midge-data");
            DataDirectoryAccess.check(dir);
            DataDirectory data = DataDirectory.open(dir);
            return new Resolved(data, data.aclFile());
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(configFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AdminException(configFile + ": cannot read: " + e.getMessage());
        }
        Path crlFile = null;
        Path aclFile = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("crlfile ")) {
                crlFile = Path.of(line.substring("crlfile ".length()).strip());
            } else if (line.startsWith("acl_file ")) {
                aclFile = Path.of(line.substring("acl_file ".length()).strip());
            }
        }
        Path dir = crlFile != null ? crlFile.toAbsolutePath().getParent() : configFile.toAbsolutePath().getParent();
        DataDirectoryAccess.check(dir);
        DataDirectory data = DataDirectory.open(dir);
        return new Resolved(data, aclFile != null ? aclFile : data.aclFile());
    }
}

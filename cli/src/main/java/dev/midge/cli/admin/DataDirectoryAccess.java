package dev.midge.cli.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Says what is wrong with a {@code --data} directory before the CA code meets it: from there a
 * file, or a private/ this user may not enter, would look like "no such data directory" or
 * "not a Midge data directory", which sends the operator the wrong way.
 */
public final class DataDirectoryAccess {

    private DataDirectoryAccess() {
    }

    /** Throws with the cause if dir is a file or its private/ cannot be read; else returns. */
    public static void check(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new AdminException(dir + ": is a file, not a data directory (--data names the directory that"
                    + " holds Midge's CA)");
        }
        Path keys = dir.resolve("private");
        if (Files.isDirectory(dir) && Files.exists(keys) && !(Files.isReadable(keys) && Files.isExecutable(keys))) {
            throw new AdminException(keys + ": permission denied: the CA's keys are readable by " + owner(keys)
                    + " only, and this is " + System.getProperty("user.name") + "; run the command as " + owner(keys));
        }
    }

    private static String owner(Path file) {
        try {
            return Files.getOwner(file).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "their owner";
        }
    }
}

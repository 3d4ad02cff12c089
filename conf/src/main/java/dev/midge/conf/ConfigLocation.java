package dev.midge.conf;

import java.nio.file.Path;

/**
 * Where something was written in a configuration file: the file as it was named (the main
 * file as given on the command line, an included file as include_dir path + file name) and
 * the 1-based line. Line 0 means the file as a whole.
 */
public record ConfigLocation(Path file, int line) {

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : String.valueOf(file);
    }
}

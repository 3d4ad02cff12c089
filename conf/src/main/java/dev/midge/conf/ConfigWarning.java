package dev.midge.conf;

import java.nio.file.Path;

/**
 * Something in a configuration file that Midge accepts but does not act on, e.g. an option
 * mosquitto knows and Midge does not implement. {@link #toString()} is the log line.
 */
public record ConfigWarning(Path file, int line, String message) {

    ConfigWarning(ConfigLocation at, String message) {
        this(at.file(), at.line(), message);
    }

    public ConfigLocation location() {
        return new ConfigLocation(file, line);
    }

    @Override
    public String toString() {
        return location() + ": " + message;
    }
}

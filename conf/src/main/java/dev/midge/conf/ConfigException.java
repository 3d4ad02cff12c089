package dev.midge.conf;

import java.nio.file.Path;

/**
 * A mistake in a configuration file. {@link #getMessage()} is exactly {@code file:line: reason}
 * (or {@code file: reason} for a problem with the file as a whole), ready to print as the one
 * line a user needs; no stack trace is meant to be shown.
 */
public final class ConfigException extends RuntimeException {

    private final transient ConfigLocation location;
    private final String reason;

    public ConfigException(Path file, int line, String reason) {
        this(new ConfigLocation(file, line), reason);
    }

    public ConfigException(ConfigLocation location, String reason) {
        super(location + ": " + reason, null, false, false);
        this.location = location;
        this.reason = reason;
    }

    public Path file() {
        return location.file();
    }

    /** 1-based line, or 0 when the problem is with the file as a whole. */
    public int line() {
        return location.line();
    }

    /** The message without the location. */
    public String reason() {
        return reason;
    }
}

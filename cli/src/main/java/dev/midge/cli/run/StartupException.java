package dev.midge.cli.run;

/**
 * Start-up cannot go on for a reason the user can fix (a bad file, a port in use). The message
 * is the whole line to print; the exit code is mosquitto's style: 3 for configuration, 1 else.
 */
public final class StartupException extends Exception {

    private final int exitCode;

    public StartupException(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}

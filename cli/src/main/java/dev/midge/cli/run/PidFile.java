package dev.midge.cli.run;

import dev.midge.cli.launch.Relaunch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * mosquitto's {@code pid_file}: written at start, removed at a clean stop. It names the process
 * the user started (the launcher of a re-launched broker, which passes signals on), so
 * {@code kill $(cat FILE)} and a supervisor's PIDFile see the exit code as before.
 */
public final class PidFile implements AutoCloseable {

    private final Path path;

    private PidFile(Path path) {
        this.path = path;
    }

    public static PidFile write(Path path) throws IOException {
        Files.writeString(path, Relaunch.launcherPid() + "\n", StandardCharsets.US_ASCII);
        return new PidFile(path);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a stale pid file is harmless; mosquitto leaves it too when it cannot remove it
        }
    }
}

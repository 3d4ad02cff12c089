package dev.midge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Runs the broker from a mosquitto.conf, or on its secure default. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the broker (the default command).")
public final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config-file"}, paramLabel = "FILE", description = "a mosquitto.conf")
    Path configFile;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "midge-data",
            description = "data directory of the secure default (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8883",
            description = "port of the secure default's mutual-TLS listener (default: ${DEFAULT-VALUE})")
    int port;

    @Override
    public Integer call() {
        // TODO(integration): wire conf -> broker options.
        System.err.println("not implemented yet");
        return 1;
    }
}

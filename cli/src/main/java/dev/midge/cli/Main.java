package dev.midge.cli;

import dev.midge.cli.launch.LauncherWatch;
import dev.midge.cli.launch.Relaunch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.OptionalInt;

/**
 * {@code java -jar broker.jar}: with no command it runs the broker ({@link RunCommand}); the
 * admin commands manage devices, certificates and the CRL.
 */
@Command(name = "broker.jar", mixinStandardHelpOptions = true, version = "Midge 0.1.0",
        description = "Midge: an MQTT broker with device security that runs itself.",
        subcommands = {
                RunCommand.class,
                ReloadCommand.class,
                dev.midge.cli.admin.DeviceCommand.class,
                dev.midge.cli.admin.CertCommand.class,
                dev.midge.cli.admin.CrlCommand.class,
                dev.midge.cli.admin.CaCommand.class,
                dev.midge.cli.admin.EnrollCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        // Before anything else loads: the parent of a re-launched broker should stay small.
        OptionalInt child = Relaunch.runInChild(args);
        if (child.isPresent()) {
            System.exit(child.getAsInt());
        }
        LauncherWatch.haltWithLauncher();
        avoidUnsafeWarnings();
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests that call it in-process). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main())
                // Wide enough that paths and option names are not broken; a terminal's own width when there is one.
                .setUsageHelpWidth(100)
                .setUsageHelpAutoWidth(true);
        // No command, or only run's options: run the broker, as `mosquitto -c FILE` would.
        if (args.length == 0 || args[0].startsWith("-") && !isTopLevelOption(args[0])) {
            String[] withRun = new String[args.length + 1];
            withRun[0] = "run";
            System.arraycopy(args, 0, withRun, 1, args.length);
            args = withRun;
        }
        return cli.execute(args);
    }

    /**
     * From JDK 24 on, every use of sun.misc.Unsafe's memory methods prints a four-line warning
     * on the console of a broker that did nothing wrong. Netty works without Unsafe (through
     * the public ByteBuffer API), so on those JDKs it is told not to use it, unless the user
     * set io.netty.noUnsafe themselves. Must run before any Netty class loads.
     */
    static void avoidUnsafeWarnings() {
        if (Runtime.version().feature() >= 24 && System.getProperty("io.netty.noUnsafe") == null) {
            System.setProperty("io.netty.noUnsafe", "true");
        }
    }

    private static boolean isTopLevelOption(String arg) {
        return arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version");
    }
}

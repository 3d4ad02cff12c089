package dev.midge.cli.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code java -jar broker.jar} with no JVM options re-launches itself once with
 * {@link LeanJvmOptions}, since a running JVM cannot change its collector or heap sizing. The child
 * gets the user's JVM options after ours (and the same environment, so JAVA_TOOL_OPTIONS too),
 * stdin/stdout/stderr, and every SIGTERM, SIGINT and SIGHUP sent to this process; its exit code
 * is ours. Only the broker ({@code run}) is re-launched; admin commands are short-lived.
 * Not re-launched: a child ({@value #MARKER}), {@code MIDGE_NO_RELAUNCH=1}, or a JVM not started
 * with {@code -jar} (tests, embedders: they never get here).
 */
public final class Relaunch {

    /** System property the child is started with, so it never re-launches again. */
    public static final String MARKER = "midge.relaunched";
    static final String DISABLE = "MIDGE_NO_RELAUNCH";

    private Relaunch() {
    }

    /** The process the user started: the launcher when this broker was re-launched, else this one. */
    public static long launcherPid() {
        ProcessHandle self = ProcessHandle.current();
        if (System.getProperty(MARKER) == null) {
            return self.pid();
        }
        return self.parent().map(ProcessHandle::pid).orElse(self.pid());
    }

    /** One line for the log: how this JVM was launched and how large its heap may grow. */
    public static String describeThisJvm() {
        long maxHeapMiB = Runtime.getRuntime().maxMemory() >> 20;
        String lean = System.getProperty(MARKER);
        if (lean == null) {
            return "JVM not re-launched (" + (disabled(System.getenv(DISABLE)) ? DISABLE : "not java -jar broker.jar")
                    + "), heap at most " + maxHeapMiB + " MiB";
        }
        return "JVM re-launched by broker.jar with [" + lean + "] (MIDGE_NO_RELAUNCH=1 to run without),"
                + " heap at most " + maxHeapMiB + " MiB";
    }

    /** Runs the broker in a lean child JVM and returns its exit code, or empty to run in this JVM. */
    public static OptionalInt runInChild(String[] args) {
        if (!isRun(args) || System.getProperty(MARKER) != null || disabled(System.getenv(DISABLE))) {
            return OptionalInt.empty();
        }
        Optional<ChildCommand> command = childCommand(args);
        if (command.isEmpty()) {
            return OptionalInt.empty();
        }
        Process child;
        try {
            child = new ProcessBuilder(command.get().command()).inheritIO().start();
        } catch (IOException e) {
            // A JVM that cannot start another one still runs the broker, only less lean.
            System.err.println("Could not re-launch with lean JVM options (" + e.getMessage()
                    + "); running in this JVM. MIDGE_NO_RELAUNCH=1 skips the attempt.");
            return OptionalInt.empty();
        }
        SignalForwarding.forwardTo(child, "TERM", "INT", "HUP");
        LauncherFootprint.shrink();
        while (true) {
            try {
                int exitCode = child.waitFor();
                if (command.get().archive().isPresent()) {
                    command.get().archive().get().brokerExited();
                }
                return OptionalInt.of(exitCode);
            } catch (InterruptedException e) {
                // Nothing interrupts the main thread on purpose; keep waiting for the broker.
            }
        }
    }

    /** Whether the command line runs the broker: no command, run's options only, or {@code run}. */
    static boolean isRun(String[] args) {
        if (args.length == 0) {
            return true;
        }
        String first = args[0];
        if (first.equals("run")) {
            return true;
        }
        return first.startsWith("-") && !List.of("-h", "--help", "-V", "--version").contains(first);
    }

    static boolean disabled(String value) {
        return value != null && !value.isBlank() && !value.equals("0") && !value.equalsIgnoreCase("false");
    }

    /** The child's command line and the class-data archive it uses or records, if any. */
    private record ChildCommand(List<String> command, Optional<ClassDataArchive> archive) {
    }

    /** java, our options, the user's JVM options, the marker, -jar JAR, args; empty unless started with -jar. */
    private static Optional<ChildCommand> childCommand(String[] args) {
        ProcessHandle.Info info = ProcessHandle.current().info();
        Optional<String[]> arguments = info.arguments();
        Path jar = Path.of(System.getProperty("java.class.path", ""));
        if (arguments.isEmpty() || !jar.toString().endsWith(".jar") || !Files.isRegularFile(jar)) {
            return Optional.empty();
        }
        List<String> all = Arrays.asList(arguments.get());
        int jarFlag = all.indexOf("-jar");
        if (jarFlag < 0) {
            return Optional.empty();
        }
        List<String> userJvmOptions = all.subList(0, jarFlag);
        List<String> allUserOptions = new ArrayList<>(userJvmOptions);
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                allUserOptions.addAll(List.of(value.trim().split("\\s+")));
            }
        }
        List<String> command = new ArrayList<>();
        command.add(info.command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add(LeanJvmOptions.ignoreUnknown());
        List<String> lean = new ArrayList<>(LeanJvmOptions.notGivenIn(allUserOptions));
        Optional<ClassDataArchive> archive = ClassDataArchive.forJar(jar, allUserOptions, System.getenv());
        if (archive.isPresent()) {
            lean.addAll(archive.get().options());
        }
        command.addAll(lean);
        command.addAll(userJvmOptions);
        // The marker carries what we added, for the child's start-up line.
        command.add("-D" + MARKER + "=" + String.join(" ", lean));
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        return Optional.of(new ChildCommand(command, archive));
    }
}

package dev.midge.cli;

import dev.midge.testing.BrokerProcess;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * broker.jar's own {@code Main.execute} in the test's JVM, what it prints captured: for a command an
 * IT only reads (help, {@code cert list}), without a JVM start each time. picocli prints to
 * {@code System.out} as it is when the command runs, so swapping it captures exactly what the jar
 * prints (no terminal either way, so the same help width). Paths are resolved in the test JVM's
 * directory: give them absolute.
 */
final class InProcessCommand {

    private InProcessCommand() {
    }

    static BrokerProcess.Result run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exitCode;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exitCode = Main.execute(args);
        } finally {
            System.setOut(original);
        }
        return new BrokerProcess.Result(exitCode, captured.toString(StandardCharsets.UTF_8));
    }
}

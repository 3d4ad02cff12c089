package dev.midge.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@code mosquitto_sub} running in the background. Its output lines are collected as they
 * arrive; tests wait on them with {@link #awaitLine} rather than sleeping. {@link #close()}
 * kills it.
 */
public final class RunningSubscriber implements AutoCloseable {

    private final Process process;
    private final List<String> command;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> debugLines = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();
    private final CompletableFuture<Void> stdoutDone;
    private final CompletableFuture<Void> stderrDone;

    RunningSubscriber(Process process, List<String> command) {
        this.process = process;
        this.command = List.copyOf(command);
        this.stdoutDone = drain(process.getInputStream(),
                line -> (isDebug(line) ? debugLines : lines).add(line), "stdout");
        this.stderrDone = drain(process.getErrorStream(), line -> {
            synchronized (stderr) {
                stderr.append(line).append('\n');
            }
        }, "stderr");
    }

    /**
     * Waits until the broker has acknowledged the subscription, so what is published next
     * is certain to be routed to it. Needs {@code -d} among the subscriber's arguments (as
     * {@link MosquittoClients#subscribe} adds). Returns the SUBACK's "Subscribed (...)" line,
     * which ends with the granted QoS (128 when refused), or null on timeout.
     */
    public String awaitSubscribed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            String line = debugLines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.startsWith("Subscribed (")) {
                return line;
            }
        }
    }

    /**
     * The next line the subscriber printed that is a message (with {@code -v}: "TOPIC PAYLOAD"),
     * not one of {@code -d}'s protocol lines; null if none came within the timeout.
     */
    public String awaitLine(Duration timeout) throws InterruptedException {
        return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A line that has already arrived, without waiting; null if none. */
    public String pollLine() {
        return lines.poll();
    }

    /** Waits for the process to end on its own (e.g. {@code -C 1}); null if it did not in time. */
    public ProcessResult awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return null;
        }
        stdoutDone.join();
        stderrDone.join();
        StringBuilder out = new StringBuilder();
        for (String line; (line = lines.poll()) != null; ) {
            out.append(line).append('\n');
        }
        return new ProcessResult(process.exitValue(), out.toString(), stderr());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What it wrote to standard error so far (connection refusals, denied subscriptions). */
    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    /**
     * Kills the process with SIGKILL, so its connection drops without a DISCONNECT and the
     * broker publishes its will (close() lets it disconnect cleanly). Returns once it is dead.
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return String.join(" ", command);
    }

    // mosquitto_sub -d prints protocol traffic on stdout among the messages.
    private static boolean isDebug(String line) {
        return (line.startsWith("Client ") && (line.contains(" sending ") || line.contains(" received ")))
                || line.startsWith("Subscribed (");
    }

    private static CompletableFuture<Void> drain(InputStream in, java.util.function.Consumer<String> sink, String name) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    sink.accept(line);
                }
                done.complete(null);
            } catch (IOException e) {
                // The stream closes under us when the process is killed: that is the end, not a failure.
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(new UncheckedIOException(new IOException(name + " reader failed", e)));
            }
        }, "mosquitto_sub-" + name);
        reader.setDaemon(true);
        reader.start();
        return done;
    }
}

package dev.midge.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A connected {@code mosquitto_pub -l}: each line written to it is published at once on its
 * topic, with no process start or TLS handshake in between. For tests where the time between an
 * event and a publish is what is tested.
 */
final class LinePublisher implements AutoCloseable {

    private final Process process;
    private final OutputStream stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private LinePublisher(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "mosquitto_pub-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mosquitto_pub -d -l ARGS} and waits for its CONNACK. */
    static LinePublisher connect(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", "mosquitto_pub", "-d", "-l"));
        command.addAll(List.of(args));
        LinePublisher publisher = new LinePublisher(new ProcessBuilder(command).redirectErrorStream(true).start());
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            String line = publisher.lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                publisher.close();
                throw new AssertionError("mosquitto_pub " + String.join(" ", args) + " never connected");
            }
            if (line.contains("received CONNACK")) {
                return publisher;
            }
        }
    }

    /** Publishes one message (a line on mosquitto_pub's stdin). */
    void publish(String payload) throws IOException {
        stdin.write((payload + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

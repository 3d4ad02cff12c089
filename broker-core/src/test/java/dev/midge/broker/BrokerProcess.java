package dev.midge.broker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A {@link PersistentBrokerProcess} started in a child JVM, as the parent test sees it. */
final class BrokerProcess implements AutoCloseable {

    private final Process process;
    private final CompletableFuture<String> firstWord = new CompletableFuture<>();
    private final List<String> output = new CopyOnWriteArrayList<>();
    private int port;

    private BrokerProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readOutput, "broker-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a broker on {@code dir} and waits until it listens (or refuses to start). */
    static BrokerProcess start(Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                PersistentBrokerProcess.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        BrokerProcess b = new BrokerProcess(p);
        String line = b.firstWord.get(60, TimeUnit.SECONDS);
        if (line.startsWith("READY ")) {
            b.port = Integer.parseInt(line.substring(6).trim());
        }
        return b;
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.add(line);
                if (line.startsWith("READY ") || line.startsWith("REFUSED ")) {
                    firstWord.complete(line);
                }
            }
        } catch (IOException e) {
            // the process died; the output so far is what there is
        }
        firstWord.complete("EXITED " + String.join("\n", output));
    }

    int port() {
        if (port == 0) {
            throw new AssertionError("the broker did not start:\n" + String.join("\n", output));
        }
        return port;
    }

    List<String> output() {
        return List.copyOf(output);
    }

    int waitForExit() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the broker process did not exit");
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no close, no final commit, like a crash. */
    void crash() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            crash();
        }
    }
}

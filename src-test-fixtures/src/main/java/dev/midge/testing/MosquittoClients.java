package dev.midge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code mosquitto_pub}, {@code mosquitto_sub} and {@code mosquitto_passwd}
 * binaries, the clients our users run against us.
 *
 * <pre>{@code
 * String[] bob = MosquittoClients.options(broker.port()).user("bob", "secret").args();
 * try (RunningSubscriber sub = MosquittoClients.subscribe(bob, "-t", "a/#", "-v")) {
 *     assertNotNull(sub.awaitSubscribed(Duration.ofSeconds(10)));
 *     assertEquals(0, MosquittoClients.publish(bob, "-t", "a/b", "-m", "hi").exitCode());
 *     assertEquals("a/b hi", sub.awaitLine(Duration.ofSeconds(10)));
 * }
 * }</pre>
 */
public final class MosquittoClients {

    /** Long enough for a loaded CI machine; a hung client fails the test instead of hanging it. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final String STDBUF = onPath("stdbuf");

    private MosquittoClients() {
    }

    private static String onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            java.nio.file.Path candidate = java.nio.file.Path.of(dir, program);
            if (java.nio.file.Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** The common connection options, to prepend to a command's own arguments. */
    public static Options options(int port) {
        return new Options().add("-h", "127.0.0.1").add("-p", Integer.toString(port));
    }

    /** Connection options for a broker's unix socket listener ({@code --unix PATH}). */
    public static Options unixSocket(java.nio.file.Path socket) {
        return new Options().add("--unix", socket.toString());
    }

    /** Runs {@code mosquitto_pub} with these options and arguments and waits for it to end. */
    public static ProcessResult publish(Options options, String... args) {
        return run(concat("mosquitto_pub", options.args(), args), TIMEOUT);
    }

    public static ProcessResult publish(String... args) {
        return run(concat("mosquitto_pub", new String[0], args), TIMEOUT);
    }

    /**
     * Starts {@code mosquitto_sub -d} with these options and arguments; the caller closes it.
     * {@code -d} lets {@link RunningSubscriber#awaitSubscribed} see the SUBACK.
     */
    public static RunningSubscriber subscribe(Options options, String... args) {
        return subscribe(concat(options.args(), args));
    }

    public static RunningSubscriber subscribe(String... args) {
        List<String> command = concat("mosquitto_sub", new String[] {"-d"}, args);
        if (STDBUF != null) {
            // Into a pipe, mosquitto_sub buffers its -d lines; the SUBACK line would come too late.
            command.addAll(0, List.of(STDBUF, "-oL"));
        }
        try {
            return new RunningSubscriber(new ProcessBuilder(command).start(), command);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Runs {@code mosquitto_passwd}, e.g. {@code passwd("-c", "-b", file, "bob", "secret")}. */
    public static ProcessResult passwd(String... args) {
        return run(concat("mosquitto_passwd", new String[0], args), TIMEOUT);
    }

    /** Runs any command to completion, capturing both streams. */
    public static ProcessResult run(List<String> command, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        try {
            process.getOutputStream().close();
            CompletableFuture<String> out = readAll(process, false);
            CompletableFuture<String> err = readAll(process, true);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
                        + "\n--- stderr\n" + err.getNow(""));
            }
            return new ProcessResult(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    private static CompletableFuture<String> readAll(Process process, boolean stderr) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                byte[] bytes = (stderr ? process.getErrorStream() : process.getInputStream()).readAllBytes();
                return new String(bytes, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static List<String> concat(String program, String[] options, String[] args) {
        List<String> command = new ArrayList<>();
        command.add(program);
        command.addAll(Arrays.asList(options));
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** Connection options shared by mosquitto_pub and mosquitto_sub. */
    public static final class Options {
        private final List<String> args = new ArrayList<>();

        private Options() {
        }

        /** Any other option, as the binaries spell it. */
        public Options add(String... more) {
            args.addAll(Arrays.asList(more));
            return this;
        }

        public Options clientId(String id) { return add("-i", id); }
        public Options user(String username, String password) { return add("-u", username, "-P", password); }
        public Options user(String username) { return add("-u", username); }
        public Options qos(int qos) { return add("-q", Integer.toString(qos)); }
        public Options mqtt5() { return add("-V", "mqttv5"); }
        public Options cafile(Object path) { return add("--cafile", path.toString()); }
        /** Client certificate and key (PEM paths). */
        public Options cert(Object certificate, Object key) {
            return add("--cert", certificate.toString(), "--key", key.toString());
        }

        /** TLS-PSK: the key as hex digits and the identity, as in a psk_file line {@code identity:hex}. */
        public Options psk(String identity, String hexKey) {
            return add("--psk-identity", identity, "--psk", hexKey);
        }
        /** tlsv1.2 or tlsv1.3 */
        public Options tlsVersion(String version) { return add("--tls-version", version); }

        public String[] args() {
            return args.toArray(new String[0]);
        }
    }
}

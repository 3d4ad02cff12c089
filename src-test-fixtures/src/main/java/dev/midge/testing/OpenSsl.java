package dev.midge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code openssl} binary: the TLS client and verifier users debug with, so tests
 * see what users see.
 */
public final class OpenSsl {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    /** What a run printed (stdout and stderr together) and how it ended. */
    public record Result(int exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    private OpenSsl() {
    }

    /** {@code openssl <args>} with stdin empty; kills it after {@code timeout}. */
    public static Result run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process process = builder.start();
            // Read on another thread: a chatty process must not block on a full pipe while we wait.
            var output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                return new Result(-1, "timed out after " + timeout + ": " + String.join(" ", command) + "\n" + output.join());
            }
            return new Result(process.exitValue(), output.join());
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    public static Result run(String... args) {
        return run(DEFAULT_TIMEOUT, args);
    }

    /**
     * {@code openssl s_client -connect 127.0.0.1:port -brief} plus {@code extraArgs} (e.g.
     * {@code -tls1_1}, {@code -cert c -key k}, {@code -CAfile ca}). Stdin is empty, so the client
     * handshakes, reads until the server closes or a short pause, and exits.
     */
    public static Result sClient(int port, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("s_client", "-connect", "127.0.0.1:" + port, "-brief"));
        args.addAll(Arrays.asList(extraArgs));
        return run(args.toArray(String[]::new));
    }

    /** {@code openssl verify -CAfile ca [-crl_check -CRLfile crl] cert}. */
    public static Result verify(Path caFile, Path crlFile, Path certFile) {
        List<String> args = new ArrayList<>(List.of("verify", "-CAfile", caFile.toString()));
        if (crlFile != null) {
            args.addAll(List.of("-crl_check", "-CRLfile", crlFile.toString()));
        }
        args.add(certFile.toString());
        return run(args.toArray(String[]::new));
    }

    /**
     * The certificate's subject as OpenSSL prints it with RFC 2253 name options: the format
     * mosquitto's {@code use_subject_as_username} produces.
     */
    public static String subjectRfc2253(Path certFile) {
        Result result = run("x509", "-in", certFile.toString(), "-noout", "-subject", "-nameopt", "RFC2253");
        if (!result.succeeded()) {
            throw new IllegalStateException("openssl x509 failed: " + result.output());
        }
        String line = result.output().strip();
        return line.startsWith("subject=") ? line.substring("subject=".length()) : line;
    }
}

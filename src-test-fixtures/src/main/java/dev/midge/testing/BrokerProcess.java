package dev.midge.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A broker in a child process, its output (stdout and stderr merged) collected line by line so
 * a test can wait for what a user would read: the real {@code java -jar broker.jar} (the CLI's
 * tests; the jar is {@code -Dmidge.brokerJar}, default {@code target/broker.jar}), or a main
 * class on the test's own class path ({@link #startMain}, for crash tests of the core).
 * {@link #crash()} is SIGKILL, {@link #close()} SIGTERM.
 *
 * <p>With {@code -Dmidge.test.tlsProvider=openssl} every broker.jar it starts gets
 * {@code MIDGE_TLS_PROVIDER=openssl} (unless the test sets that variable itself), so each certificate
 * listener without its own {@code midge_tls_provider} line runs on BoringSSL; a listener that logs that
 * the JDK's TLS runs it then fails the test at the next {@link #awaitLine}, {@link #close} or
 * {@link #run} (see {@link TlsProviderUnderTest}): a pass that silently ran on the JDK's TLS proves nothing.
 */
public final class BrokerProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    /** Whether this broker's listeners must all be on the provider under test (BrokerProcess chose it). */
    private final boolean providerChecked;
    /** The first line saying a listener runs on the JDK's TLS although OpenSSL is under test, or null. */
    private volatile String wrongProvider;

    private BrokerProcess(Process process) {
        this(process, false);
    }

    private BrokerProcess(Process process, boolean providerChecked) {
        this.process = process;
        this.providerChecked = providerChecked;
        Thread reader = new Thread(() -> read(process.getInputStream()), "broker-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Puts the provider under test into a broker.jar's environment, unless the test chose one itself.
     *
     * @return whether the broker's listeners are then checked to be on it
     */
    private static boolean setProviderUnderTest(Map<String, String> target, Map<String, String> fromTest) {
        target.putAll(fromTest);
        if (!TlsProviderUnderTest.openssl() || fromTest.containsKey(TlsProviderUnderTest.ENVIRONMENT)) {
            return false;
        }
        target.put(TlsProviderUnderTest.ENVIRONMENT, "openssl");
        return true;
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("midge.brokerJar", "target/broker.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("broker.jar not built at " + jar.toAbsolutePath());
        }
        return jar;
    }

    public static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Starts any broker program in dir (e.g. the real {@code /usr/sbin/mosquitto -c CONF}, as the
     * remote of a bridge), stdout and stderr merged.
     */
    public static BrokerProcess startProgram(Path dir, String... command) throws IOException {
        return new BrokerProcess(new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start());
    }

    /** Starts {@code java -jar broker.jar args...} in dir, stdout and stderr merged. */
    public static BrokerProcess start(Path dir, String... args) throws IOException {
        return start(dir, Map.of(), args);
    }

    /** As {@link #start(Path, String...)}, with more environment variables (e.g. SOFTHSM2_CONF). */
    public static BrokerProcess start(Path dir, Map<String, String> environment, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(args)).directory(dir.toFile()).redirectErrorStream(true);
        boolean checked = setProviderUnderTest(builder.environment(), environment);
        return new BrokerProcess(builder.start(), checked);
    }

    /** Starts {@code java JVM_OPTIONS... -jar broker.jar args...} in dir with more environment variables. */
    public static BrokerProcess startWithJvmOptions(Path dir, Map<String, String> environment, List<String> jvmOptions,
                                                    String... args) throws IOException {
        List<String> command = command(args);
        command.addAll(1, jvmOptions);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        boolean checked = setProviderUnderTest(builder.environment(), environment);
        return new BrokerProcess(builder.start(), checked);
    }

    /** Starts {@code PREFIX... java -jar broker.jar args...} (e.g. under nohup) in dir, stdout and stderr merged. */
    public static BrokerProcess startUnder(List<String> prefix, Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(command(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        boolean checked = setProviderUnderTest(builder.environment(), Map.of());
        return new BrokerProcess(builder.start(), checked);
    }

    /**
     * Starts {@code java -cp CLASSPATH main args...} with this JVM's class path: a broker
     * assembled by a test, in a process of its own that a test can kill.
     */
    public static BrokerProcess startMain(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new BrokerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** Runs {@code java -jar broker.jar args...} to completion and returns its exit code and output. */
    public static Result run(Path dir, String... args) throws IOException, InterruptedException {
        return run(dir, Map.of(), args);
    }

    public static Result run(Path dir, Map<String, String> environment, String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command(args)).directory(dir.toFile()).redirectErrorStream(true);
        boolean checked = setProviderUnderTest(builder.environment(), environment);
        Process p = builder.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("broker.jar " + String.join(" ", args) + " did not finish");
        }
        String output = new String(out, StandardCharsets.UTF_8);
        if (checked) {
            output.lines().filter(TlsProviderUnderTest::onTheJdk).findFirst()
                    .ifPresent(line -> TlsProviderUnderTest.failOnTheJdk(line, output));
        }
        return new Result(p.exitValue(), output);
    }

    public record Result(int exitCode, String output) {
    }

    private void read(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (providerChecked && wrongProvider == null && TlsProviderUnderTest.onTheJdk(line)) {
                    wrongProvider = line;
                }
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process ended
        } finally {
            synchronized (lines) {
                lines.notifyAll();
            }
        }
    }

    /** Waits for a line matching the regex (searched anywhere in the line) and returns it. */
    public String awaitLine(String regex, Duration timeout) throws InterruptedException {
        failOnWrongProvider();
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (pattern.matcher(lines.get(seen)).find()) {
                        return lines.get(seen);
                    }
                }
                failOnWrongProvider();
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && seen == lines.size()) {
                    throw new AssertionError("no line matching /" + regex + "/ within " + timeout
                            + (process.isAlive() ? "" : " (broker exited)") + "; output was:\n" + output());
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Every line so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /**
     * The lines before the first one equal to {@code marker} (a line {@link #awaitLine} returned):
     * what a test that proves an absence looks at, since anything the broker logged earlier is there.
     */
    public List<String> linesBefore(String marker) {
        List<String> all = lines();
        int at = all.indexOf(marker);
        if (at < 0) {
            throw new IllegalArgumentException("no line " + marker);
        }
        return all.subList(0, at);
    }

    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    public long pid() {
        return process.pid();
    }

    /**
     * SIGKILL: no shutdown hook runs, as in a crash. broker.jar re-launches itself in a child JVM,
     * which is killed first, so the test need not wait for it to notice its launcher is gone.
     */
    public void crash() throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
        for (ProcessHandle child : descendants) {
            try {
                child.onExit().get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("broker child " + child.pid() + " did not die", e);
            }
        }
    }

    /** The JVMs this process started: the re-launched broker of {@code java -jar broker.jar}. */
    public List<ProcessHandle> children() {
        return process.children().toList();
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("broker did not exit within " + timeout + "; output:\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy(); // SIGTERM (passed on to a re-launched broker): the shutdown hook closes the broker
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            descendants.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        failOnWrongProvider();
    }

    private void failOnWrongProvider() {
        String line = wrongProvider;
        if (line != null) {
            TlsProviderUnderTest.failOnTheJdk(line, output());
        }
    }
}

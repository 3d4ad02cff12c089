package dev.midge.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real mosquitto broker ({@code /usr/sbin/mosquitto}) in a child process, started from a
 * generated mosquitto.conf on 127.0.0.1 with every log type on stderr (unbuffered, unlike stdout into a pipe), so a test can wait for
 * what mosquitto says ("New bridge connected", "Received SUBSCRIBE"). {@link #restart()} starts
 * it again from the same conf (and persistence file, if the conf asks for one).
 *
 * <pre>{@code
 * try (MosquittoBroker remote = MosquittoBroker.start(dir, "remote", "allow_anonymous true")) {
 *     ... remote.port() ...
 * }
 * }</pre>
 */
public final class MosquittoBroker implements AutoCloseable {

    public static final String PROGRAM = "/usr/sbin/mosquitto";
    private static final Duration START = Duration.ofSeconds(30);

    private final Path dir;
    private final Path conf;
    private final int port;
    private BrokerProcess process;

    private MosquittoBroker(Path dir, Path conf, int port) {
        this.dir = dir;
        this.conf = conf;
        this.port = port;
    }

    /** Starts mosquitto with its own listener on a free port of 127.0.0.1 and these conf lines after it. */
    public static MosquittoBroker start(Path dir, String name, String... confLines) throws IOException, InterruptedException {
        return start(dir, name, Ports.freePort(), confLines);
    }

    /** As {@link #start(Path, String, String...)} on a given port (e.g. one a bridge dials before it is up). */
    public static MosquittoBroker start(Path dir, String name, int port, String... confLines)
            throws IOException, InterruptedException {
        MosquittoBroker broker = create(dir, name, port, confLines);
        broker.restart();
        return broker;
    }

    /** Writes the conf without starting mosquitto: {@link #restart()} starts it. */
    public static MosquittoBroker create(Path dir, String name, int port, String... confLines) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        // Started as root, mosquitto drops to user "mosquitto", which must still write its persistence file here.
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path conf = Files.writeString(home.resolve("mosquitto.conf"), "log_dest stderr\nlog_type all\n"
                + "listener " + port + " 127.0.0.1\n" + String.join("\n", confLines) + "\n");
        return new MosquittoBroker(home, conf, port);
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    /** Starts mosquitto (again) and waits until it listens. */
    public void restart() throws IOException, InterruptedException {
        if (process != null) {
            process.close();
        }
        process = BrokerProcess.startProgram(dir, PROGRAM, "-c", conf.toString());
        process.awaitLine("mosquitto version .* running", START);
    }

    /** Stops mosquitto (SIGTERM: it saves its persistence file, as on a normal shutdown). */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    /** Waits for a line of mosquitto's log matching the regex. */
    public String awaitLine(String regex, Duration timeout) throws InterruptedException {
        return process.awaitLine(regex, timeout);
    }

    public String output() {
        return process == null ? "" : process.output();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}

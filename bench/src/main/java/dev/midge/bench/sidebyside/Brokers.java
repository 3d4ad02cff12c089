package dev.midge.bench.sidebyside;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts Midge or mosquitto as a child process from ONE mosquitto.conf text, so both get the
 * same listener, certificates and limits. Midge runs either as the real {@code broker.jar -c CONF}
 * or, while that is not usable, as {@link MidgeChild} (the same conf, wired by hand) in its own JVM.
 */
final class Brokers {

    enum Kind {
        MIDGE("Midge"), MOSQUITTO("mosquitto");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /**
     * What the listener looks like: plain TCP, or mutual TLS with one of the server keys, and an
     * ACL file (the fleet rows: every device may write only its own topic) or none.
     */
    record Listener(BenchPki pki, BenchPki.ServerKey key, Path aclFile) {
        static Listener plain() {
            return new Listener(null, null, null);
        }

        static Listener mutualTls(BenchPki pki, BenchPki.ServerKey key) {
            return new Listener(pki, key, null);
        }

        static Listener mutualTlsWithAcl(BenchPki pki, BenchPki.ServerKey key, Path aclFile) {
            return new Listener(pki, key, aclFile);
        }

        boolean tls() {
            return key != null;
        }

        String label() {
            return tls() ? "mTLS " + key.label : "plain TCP";
        }
    }

    private final Path workDir;
    private final Path midgeJar;
    private final String mosquitto;
    private final String midgeJava;
    private final List<String> midgeJvmOptions;
    /** --midge-tls-provider: Midge's midge_tls_provider on TLS listeners (mosquitto has no such option), or null. */
    private String midgeTlsProvider;
    private int started;

    /**
     * @param midgeJava the java executable for Midge, or null for the one running this harness
     */
    Brokers(Path workDir, Path midgeJar, String mosquitto, String midgeJava, List<String> midgeJvmOptions) {
        this.workDir = workDir;
        this.midgeJar = midgeJar;
        this.mosquitto = mosquitto;
        this.midgeJava = midgeJava != null ? midgeJava
                : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.midgeJvmOptions = List.copyOf(midgeJvmOptions);
    }

    Brokers midgeTlsProvider(String provider) {
        this.midgeTlsProvider = provider;
        return this;
    }

    String midgeLaunch() {
        String jvm = midgeJvmOptions.isEmpty() ? "" : String.join(" ", midgeJvmOptions) + " ";
        return midgeJar != null ? midgeJava + " " + jvm + "-jar " + midgeJar + " -c CONF"
                : midgeJava + " " + jvm + "-cp benchmarks.jar " + MidgeChild.class.getName() + " CONF";
    }

    BrokerProcess start(Kind kind, Listener listener) throws IOException {
        return start(kind, listener, "");
    }

    /** Only broker.jar reads a conf's bridges; {@link MidgeChild} wires none. */
    boolean runsBrokerJar() {
        return midgeJar != null;
    }

    /** @param extra conf lines after the listener's (a bridge block) */
    BrokerProcess start(Kind kind, Listener listener, String extra) throws IOException {
        int port = BrokerProcess.freePort();
        String name = kind.label + "-" + (++started);
        Path conf = workDir.resolve(name + ".conf");
        String text = conf(port, listener) + extra;
        if (kind == Kind.MIDGE && listener.tls() && midgeTlsProvider != null) {
            text += "midge_tls_provider " + midgeTlsProvider + "\n";
        }
        Files.writeString(conf, text);
        Path log = workDir.resolve(name + ".log");
        List<String> command = new ArrayList<>();
        if (kind == Kind.MOSQUITTO) {
            command.addAll(List.of(mosquitto, "-c", conf.toString()));
        } else {
            command.add(midgeJava);
            command.addAll(midgeJvmOptions);
            if (midgeJar != null) {
                command.addAll(List.of("-jar", midgeJar.toString(), "-c", conf.toString()));
            } else {
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), MidgeChild.class.getName(),
                        conf.toString()));
            }
        }
        return BrokerProcess.start(kind.label, command, port, log);
    }

    private static String conf(int port, Listener listener) {
        StringBuilder conf = new StringBuilder();
        if (listener.aclFile() != null) {
            conf.append("acl_file ").append(listener.aclFile()).append('\n');
        }
        // Run as whoever runs the bench: mosquitto started as root would switch to user
        // "mosquitto" and could then not read the key files.
        conf.append("user ").append(System.getProperty("user.name")).append('\n');
        // Only warnings and errors: neither broker should pay for a log line per connection.
        conf.append("log_dest stderr\nlog_type error\nlog_type warning\nconnection_messages false\n");
        // mosquitto leaves Nagle on by default, which stalls each small CONNACK behind the
        // client's delayed ACK (~40 ms); Netty (Midge) turns it off. Measure both without it.
        conf.append("set_tcp_nodelay true\n");
        conf.append("listener ").append(port).append(" 127.0.0.1\n");
        if (listener.tls()) {
            conf.append("cafile ").append(listener.pki().caFile()).append('\n');
            conf.append("certfile ").append(listener.pki().server(listener.key()).chainFile()).append('\n');
            conf.append("keyfile ").append(listener.pki().server(listener.key()).keyFile()).append('\n');
            conf.append("require_certificate true\nuse_identity_as_username true\nallow_anonymous false\n");
        } else {
            conf.append("allow_anonymous true\n");
        }
        return conf.toString();
    }
}

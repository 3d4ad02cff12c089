package dev.midge.bench.sidebyside;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What clustering costs on this machine: three {@code broker.jar} nodes on 127.0.0.1 (node links
 * over mutual TLS, as in production) against one broker.jar on its own, with the same clients as
 * {@link SideBySide}'s latency and fan-in rows, plus the time a {@code device revoke} on node 2
 * takes to cut the device off on node 3.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.midge.bench.sidebyside.ClusterBench --midge-jar cli/target/broker.jar
 *      [--seconds 5] [--warmup 3] [--rate 2000] [--revokes 5] [--out /tmp/cluster-bench.md]</pre>
 */
public final class ClusterBench {

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    private final Path jar;
    private final Path work;
    private final Duration warmup;
    private final Duration measure;
    private final int rate;
    private final List<String> rows = new ArrayList<>();

    private ClusterBench(Path jar, Path work, Duration warmup, Duration measure, int rate) {
        this.jar = jar;
        this.work = work;
        this.warmup = warmup;
        this.measure = measure;
        this.rate = rate;
    }

    public static void main(String[] args) throws Exception {
        Path jar = null;
        Path out = Path.of("/tmp/cluster-bench.md");
        int seconds = 5;
        int warmupSeconds = 3;
        int rate = 2000;
        int revokes = 5;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--midge-jar" -> jar = Path.of(args[i + 1]).toAbsolutePath();
                case "--out" -> out = Path.of(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmupSeconds = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--revokes" -> revokes = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (jar == null) {
            throw new IllegalArgumentException("--midge-jar cli/target/broker.jar is required");
        }
        Path work = Files.createTempDirectory("midge-cluster-bench");
        ClusterBench bench = new ClusterBench(jar, work, Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(seconds),
                rate);
        bench.run(revokes);
        String report = bench.report(seconds, warmupSeconds, rate);
        Files.writeString(out, report);
        System.out.println(report);
        System.out.println("Written to " + out + "; logs in " + work);
    }

    private void run(int revokes) throws Exception {
        prepareCertificates(revokes);
        try (BrokerProcess single = start("single", singleConf())) {
            latency("one broker.jar, publisher and subscriber on it", single.port(), single.port());
            throughput("one broker.jar", single, single.port());
        }
        int[] plain = new int[3];
        int[] tls = new int[3];
        int[] links = new int[3];
        for (int i = 0; i < 3; i++) {
            plain[i] = BrokerProcess.freePort();
            tls[i] = BrokerProcess.freePort();
            links[i] = BrokerProcess.freePort();
        }
        List<BrokerProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(start("node-" + (i + 1), nodeConf(i, plain, tls, links)));
            }
            awaitMembers(work.resolve("node-1.log"), Duration.ofSeconds(120));
            latency("3-node cluster, publisher and subscriber on node 1", plain[0], plain[0]);
            latency("3-node cluster, publisher on node 1, subscriber on node 2", plain[0], plain[1]);
            // Across nodes first: a SUBACK waits for its route, put by the node's one sender thread,
            // which a same-node flood would leave busy.
            throughput("3-node cluster, publishers on node 1, subscriber on node 2", nodes.get(0), plain[1]);
            throughput("3-node cluster, same node", nodes.get(0), plain[0]);
            revocations(revokes, tls[2]);
        } finally {
            nodes.forEach(BrokerProcess::close);
        }
    }

    private void latency(String setup, int publishPort, int subscribePort) {
        EndToEndLatency.Result r = EndToEndLatency.run(publishPort, subscribePort, 1, rate, warmup, measure);
        addRow(String.format(Locale.ROOT, "| latency | %s, QoS 1, %d msg/s | p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs "
                        + "(%d of %d samples) |", setup, rate,
                r.p50Micros(), r.p99Micros(), r.p999Micros(), r.samples(), r.expected()));
    }

    private void throughput(String setup, BrokerProcess publishNode, int subscribePort) throws Exception {
        for (int qos : new int[]{0, 1}) {
            PubSubThroughput.Result r = PubSubThroughput.run(publishNode, subscribePort, 8, 1, qos, 64, warmup, measure);
            addRow(String.format(Locale.ROOT, "| fan-in | %s, 8 publishers -> 1 subscriber, QoS %d, 64 B | %.0f msgs/s "
                            + "delivered (%.0f published/s); %.1f µs CPU of the publishers' node per delivered message |",
                    setup, qos, r.deliveredPerSecond(), r.publishedPerSecond(), r.cpuMicrosPerDelivered()));
        }
    }

    /**
     * A victim connects to node 3 over mutual TLS; {@code device revoke} runs against node 2's data
     * directory; the clock stops when node 3 logs the victim's connection closed. Two figures: from
     * the command's return (as a user would time it), and from the CRL file's write to node 3's
     * log line (both clocks are this machine's).
     */
    private void revocations(int count, int node3TlsPort) throws Exception {
        List<Long> fromReturn = new ArrayList<>();
        List<Long> fromWrite = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String victim = "victim-" + i;
            Process sub = new ProcessBuilder("stdbuf", "-oL", "mosquitto_sub", "-d", "-h", "127.0.0.1", "-p",
                    Integer.toString(node3TlsPort), "--cafile", cert("ca.crt"), "--cert", cert(victim + ".crt"), "--key",
                    cert(victim + ".key"), "-t", "fleet/" + victim).redirectErrorStream(true)
                    .redirectOutput(work.resolve(victim + ".out").toFile()).start();
            try {
                awaitLine(work.resolve(victim + ".out"), "received SUBACK", Duration.ofSeconds(60));
                cli("device", "revoke", victim, "--data", data().toString());
                long returned = System.currentTimeMillis();
                String line = awaitLine(work.resolve("node-3.log"), "(username " + victim + ") disconnected: certificate revoked",
                        Duration.ofSeconds(30));
                long seen = System.currentTimeMillis();
                long logged = LocalDateTime.parse(line.substring(0, 23), LOG_TIME).atZone(ZoneId.systemDefault())
                        .toInstant().toEpochMilli();
                long written = Files.getLastModifiedTime(data().resolve("crl.pem")).toMillis();
                fromReturn.add(Math.max(0, seen - returned));
                fromWrite.add(logged - written);
            } finally {
                sub.destroyForcibly();
            }
        }
        addRow("| revoke | device revoke returned on node 2 -> node 3 logged the device's connection closed, ms "
                + "(upper bound: includes reading node 3's log) | " + summary(fromReturn) + " |");
        addRow("| revoke | CRL file written on node 2 -> node 3 closed the connection (its log line's time), ms | "
                + summary(fromWrite) + " |");
    }

    private void addRow(String row) {
        rows.add(row);
        System.out.println(row); // as they come: a run that fails later keeps what it measured
    }

    private static String summary(List<Long> millis) {
        long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
        return "median " + sorted[sorted.length / 2] + ", max " + sorted[sorted.length - 1] + " (" + Arrays.toString(sorted)
                + ")";
    }

    private void prepareCertificates(int revokes) throws Exception {
        // The secure default's first run creates the data directory (CA, server certificate, CRL, ACL).
        int port = BrokerProcess.freePort();
        try (BrokerProcess init = BrokerProcess.start("init", command("run", "--data", data().toString(), "--port",
                Integer.toString(port)), port, work.resolve("init.log"))) {
            // it listens: the data directory is complete
        }
        for (int n = 1; n <= 3; n++) {
            cli("device", "add", "node-" + n, "--profile", "node", "--no-default-acl", "--data", data().toString(), "--out",
                    work.resolve("certs").toString());
        }
        for (int i = 1; i <= revokes; i++) {
            cli("device", "add", "victim-" + i, "--acl", "readwrite fleet/#", "--data", data().toString(), "--out",
                    work.resolve("certs").toString());
        }
    }

    private String singleConf() {
        return "listener %d 127.0.0.1\nallow_anonymous true\nconnection_messages false\nset_tcp_nodelay true\n";
    }

    private String nodeConf(int i, int[] plain, int[] tls, int[] links) throws IOException {
        Path crl = i == 1 ? data().resolve("crl.pem")
                : Files.copy(data().resolve("crl.pem"), work.resolve("crl-" + (i + 1) + ".pem"));
        return """
                listener %d 127.0.0.1
                allow_anonymous true
                connection_messages false
                set_tcp_nodelay true
                listener %d 127.0.0.1
                cafile %s/ca.crt
                certfile %s/server.crt
                keyfile %s/server.key
                require_certificate true
                use_identity_as_username true
                crlfile %s
                midge_cluster_node node-%d
                midge_cluster_bind 127.0.0.1:%d
                midge_cluster_members 127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d
                midge_cluster_cafile %s/ca.crt
                midge_cluster_certfile %s/node-%d.crt
                midge_cluster_keyfile %s/node-%d.key
                """.formatted(plain[i], tls[i], data(), data(), data(), crl, i + 1, links[i], links[0], links[1], links[2],
                certs(), certs(), i + 1, certs(), i + 1);
    }

    private BrokerProcess start(String name, String confTemplate) throws IOException {
        String text = confTemplate;
        int port;
        if (text.startsWith("listener %d")) {
            port = BrokerProcess.freePort();
            text = text.replaceFirst("%d", Integer.toString(port));
        } else {
            port = Integer.parseInt(text.split("\\s+")[1]);
        }
        Path conf = work.resolve(name + ".conf");
        Files.writeString(conf, text);
        return BrokerProcess.start(name, command("-c", conf.toString()), port, work.resolve(name + ".log"));
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private void cli(String... args) throws Exception {
        Process p = new ProcessBuilder(command(args)).directory(work.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("broker.jar " + String.join(" ", args) + " failed: " + output);
        }
    }

    private String cert(String name) {
        return certs().resolve(name).toString();
    }

    private Path certs() {
        return work.resolve("certs");
    }

    private Path data() {
        return work.resolve("data");
    }

    /** Waits until the node has logged a view of all three nodes, in whatever order (the coordinator first). */
    private static void awaitMembers(Path log, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = awaitLine(log, "Cluster members now [", timeout);
            if (line.contains("node-1") && line.contains("node-2") && line.contains("node-3")) {
                return;
            }
            for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (l.contains("Cluster members now [") && l.contains("node-1") && l.contains("node-2")
                        && l.contains("node-3")) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("node-1 never saw all three nodes; see " + log);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** Polls a log file for a line containing {@code text} (a child's output goes to a file). */
    private static String awaitLine(Path file, String text, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.contains(text)) {
                        return line;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no line with '" + text + "' in " + file + " within " + timeout);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private String report(int seconds, int warmupSeconds, int rate) {
        StringBuilder text = new StringBuilder();
        text.append("## Cluster cost (ClusterBench)\n\n");
        text.append("`java -cp bench/target/benchmarks.jar dev.midge.bench.sidebyside.ClusterBench --midge-jar "
                + "cli/target/broker.jar --seconds " + seconds + " --warmup " + warmupSeconds + " --rate " + rate
                + "`: broker.jar nodes on 127.0.0.1 (node links JGroups TCP + TLS 1.3, mutual authentication), plain MQTT "
                + "3.1.1 clients as SideBySide's latency and fan-in rows, " + Runtime.getRuntime().availableProcessors()
                + " cores, " + java.time.Instant.now() + ".\n\n");
        text.append("| row | setup | figures |\n|---|---|---|\n");
        for (String row : rows) {
            text.append(row).append('\n');
        }
        return text.toString();
    }
}

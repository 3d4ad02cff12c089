package dev.midge.bench.sidebyside;

import dev.midge.bench.sidebyside.Brokers.Kind;
import dev.midge.bench.sidebyside.Brokers.Listener;

import javax.net.ssl.SSLSocketFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Midge and mosquitto side by side, in one run, on 127.0.0.1, each as a child process:
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.midge.bench.sidebyside.SideBySide \
 *     handshakes|fanin|fanin-mtls|pipe|fanout|latency|idle|bridge|all [--seconds N] [--warmup N] [--tls-warmup N]
 *     [--threads N] [--rate N] [--idle 1000,5000,10000] [--devices 50] [--fanin-qos 0|1] [--pipe-messages 100000]
 *     [--midge-jar cli/target/broker.jar] [--midge-java PATH] [--midge-jvm '-Xmx256m']
 *     [--mosquitto /usr/sbin/mosquitto] [--only midge|mosquitto] [--handshake-client jdk|openssl]
 * </pre>
 */
public final class SideBySide {

    private static final List<String> SCENARIOS = List.of("handshakes", "fanin", "fanin-mtls", "pipe", "fanout", "latency",
            "idle", "bridge");

    private final Duration warmup;
    private final Duration measure;
    /**
     * TLS code needs far more iterations than a few seconds of handshakes give to be compiled; the
     * mTLS fan-in too: 3 s after its devices connect, the JIT and the not yet compiled JDK AES-GCM
     * (GHASH's Java body before C2's intrinsic) were 12-24 µs of the broker's 20-28 µs per message
     * (BENCHMARKS.md, h-fanin), so that row is measured after this warm-up as well.
     */
    private final Duration tlsWarmup;
    private final int threads;
    /** --handshake-client openssl: the handshake rows' client runs on BoringSSL (NativeHandshakeLoad), not JSSE. */
    private final boolean nativeHandshakeClient;
    private final int rate;
    private final int[] idleSteps;
    private final int devices;
    private final int pipeMessages;
    private final Path workDir;
    private final Brokers brokers;
    private final BenchPki pki;
    private final SSLSocketFactory tls;
    private final ResultTable table = new ResultTable();
    /** For debugging one side: --only midge|mosquitto (the table then shows n/a for the other). */
    private final Kind only;
    /** fanin-mtls's QoS levels: --fanin-qos 0 (or 1) for one of them when A/B-measuring a change. */
    private final int[] faninQos;

    /** Every --option the harness reads. */
    private static final java.util.Set<String> OPTIONS = java.util.Set.of("seconds", "warmup", "tls-warmup", "threads",
            "handshake-client", "rate", "devices", "pipe-messages", "idle", "midge-jar", "mosquitto", "midge-java",
            "midge-jvm", "fanin-qos", "only", "midge-tls-provider");

    private SideBySide(Map<String, String> options, Path workDir) {
        this.measure = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "5")));
        this.warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup", "3")));
        this.tlsWarmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("tls-warmup", "10")));
        this.threads = Integer.parseInt(options.getOrDefault("threads", "8"));
        this.nativeHandshakeClient = switch (options.getOrDefault("handshake-client", "jdk")) {
            case "jdk" -> false;
            case "openssl" -> true;
            default -> throw new IllegalArgumentException("--handshake-client jdk|openssl");
        };
        this.rate = Integer.parseInt(options.getOrDefault("rate", "2000"));
        this.devices = Integer.parseInt(options.getOrDefault("devices", "50"));
        this.pipeMessages = Integer.parseInt(options.getOrDefault("pipe-messages", "100000"));
        this.workDir = workDir;
        String[] steps = options.getOrDefault("idle", "1000,5000,10000").split(",");
        this.idleSteps = new int[steps.length];
        for (int i = 0; i < steps.length; i++) {
            idleSteps[i] = Integer.parseInt(steps[i].trim());
        }
        String jar = options.get("midge-jar");
        this.brokers = new Brokers(workDir, jar == null ? null : Path.of(jar).toAbsolutePath(),
                options.getOrDefault("mosquitto", "/usr/sbin/mosquitto"), options.get("midge-java"),
                options.containsKey("midge-jvm") ? List.of(options.get("midge-jvm").trim().split("\\s+")) : List.of())
                .midgeTlsProvider(options.get("midge-tls-provider"));
        this.pki = new BenchPki(workDir.resolve("pki"));
        this.tls = pki.clientContext().getSocketFactory();
        this.faninQos = options.containsKey("fanin-qos")
                ? new int[]{Integer.parseInt(options.get("fanin-qos"))} : new int[]{0, 1};
        this.only = options.containsKey("only") ? Kind.valueOf(options.get("only").toUpperCase(java.util.Locale.ROOT)) : null;
    }

    public static void main(String[] args) throws Exception {
        List<String> scenarios = new ArrayList<>();
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    usage("option " + args[i] + " needs a value");
                }
                options.put(args[i].substring(2), args[++i]);
            } else if (args[i].equals("all")) {
                scenarios.addAll(SCENARIOS);
            } else if (SCENARIOS.contains(args[i])) {
                scenarios.add(args[i]);
            } else {
                usage("unknown scenario '" + args[i] + "'");
            }
        }
        if (scenarios.isEmpty()) {
            usage("name a scenario");
        }
        // An option this harness does not read must stop it: a silently ignored one (as
        // --midge-tls-provider once was) labels a run with a configuration it never had.
        for (String option : options.keySet()) {
            if (!OPTIONS.contains(option)) {
                usage("unknown option --" + option);
            }
        }
        // The load clients are JSSE too: without this, their own ECDSA work on JDK 17 (not the
        // brokers') would cap the handshake rows. Both brokers face the same faster clients.
        dev.midge.tls.BouncyCastleEcdsa.install();
        Path workDir = Files.createTempDirectory("midge-bench-");
        SideBySide bench = new SideBySide(options, workDir);
        System.out.printf("Side by side, %s, warm-up %ds (handshakes %ds), measure %ds, %d client threads;"
                        + " Midge runs as: %s; work dir %s%n", Instant.now(), bench.warmup.toSeconds(),
                bench.tlsWarmup.toSeconds(), bench.measure.toSeconds(), bench.threads, bench.brokers.midgeLaunch(), workDir);
        for (String scenario : scenarios) {
            switch (scenario) {
                case "handshakes" -> bench.handshakes();
                case "fanin" -> bench.fanIn();
                case "fanin-mtls" -> bench.fleetFanIn();
                case "pipe" -> bench.pipe();
                case "fanout" -> bench.fanOut();
                case "latency" -> bench.latency();
                case "idle" -> bench.idle();
                case "bridge" -> bench.bridge();
                default -> throw new AssertionError(scenario);
            }
        }
        bench.table.print(System.out);
        System.exit(0); // the HiveMQ client's shared event loop would otherwise linger
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: SideBySide handshakes|fanin|fanin-mtls|pipe|fanout|latency|idle|bridge|all"
                + " [--seconds N] [--warmup N] [--tls-warmup N] [--threads N] [--rate N] [--idle 1000,5000,10000]"
                + " [--devices 50] [--fanin-qos 0|1] [--pipe-messages 100000] [--midge-jar PATH] [--midge-java PATH] [--midge-jvm 'OPTS']"
                + " [--mosquitto PATH] [--only midge|mosquitto] [--handshake-client jdk|openssl]"
                + " [--midge-tls-provider jdk|openssl]");
        System.exit(2);
    }

    /** What one scenario measures against one running broker. */
    @FunctionalInterface
    private interface Measurement<T> {
        T measure(BrokerProcess broker) throws Exception;
    }

    /** Runs the measurement against mosquitto, then against Midge, each in a fresh process. */
    private <T> Map<Kind, T> bothBrokers(Listener listener, Measurement<T> measurement) throws Exception {
        Map<Kind, T> results = new EnumMap<>(Kind.class);
        for (Kind kind : only == null ? new Kind[]{Kind.MOSQUITTO, Kind.MIDGE} : new Kind[]{only}) {
            try (BrokerProcess broker = brokers.start(kind, listener)) {
                T result = measurement.measure(broker);
                System.out.println("    " + kind.label + ": " + result);
                results.put(kind, result);
            }
        }
        if (only != null) {
            // Debugging one side: the table shows it in both columns.
            results.put(only == Kind.MIDGE ? Kind.MOSQUITTO : Kind.MIDGE, results.get(only));
        }
        return results;
    }

    private void handshakes() throws Exception {
        for (BenchPki.ServerKey key : BenchPki.ServerKey.values()) {
            var r = bothBrokers(Listener.mutualTls(pki, key),
                    b -> nativeHandshakeClient ? NativeHandshakeLoad.run(pki, b, threads, tlsWarmup, measure)
                            : HandshakeLoad.run(tls, b, threads, tlsWarmup, measure));
            HandshakeLoad.Result midge = r.get(Kind.MIDGE);
            HandshakeLoad.Result mosquitto = r.get(Kind.MOSQUITTO);
            table.add("handshakes", "mTLS connect+CONNECT/CONNACK+close, " + key.label + " server key, "
                            + threads + " client threads", "handshakes/s", true,
                    midge.perSecond(), mosquitto.perSecond(),
                    "Midge " + midge.negotiated() + "; mosquitto " + mosquitto.negotiated()
                            + failures(midge.failures(), mosquitto.failures()));
            table.add("handshakes", "same, broker CPU time per handshake (" + key.label + ")", "ms", false,
                    midge.cpuMillisEach(), mosquitto.cpuMillisEach(), "user + system, /proc/PID/stat; of Midge's, "
                            + String.format("%.2f", midge.jitMillisEach()) + " ms its JIT compiler threads"
                            + " (more than a few % of it: warm up longer, --tls-warmup); Midge by thread, ms: "
                            + midge.brokerMillisByThread());
            table.add("handshakes", "same, the load client's own CPU time per handshake (" + key.label + ")", "ms", false,
                    midge.clientMillisEach(), mosquitto.clientMillisEach(), "its client threads (ThreadMXBean); the client"
                            + " shares the cores with the broker, so client + broker CPU per handshake bound the rate"
                            + (nativeHandshakeClient ? "; client: BoringSSL on one event loop" : "; client: JSSE threads"));
        }
    }

    private void fanIn() throws Exception {
        int publishers = 8;
        for (int qos : new int[]{0, 1}) {
            for (int size : new int[]{64, 4096}) {
                var r = bothBrokers(Listener.plain(),
                        b -> PubSubThroughput.run(b, publishers, 1, qos, size, warmup, measure));
                table.add("fan-in", publishers + " publishers -> 1 subscriber, QoS " + qos + ", " + size + " B",
                        "msgs delivered/s", true, r.get(Kind.MIDGE).deliveredPerSecond(),
                        r.get(Kind.MOSQUITTO).deliveredPerSecond(), published(r));
                table.add("fan-in", "same, broker CPU time per delivered message", "µs", false,
                        r.get(Kind.MIDGE).cpuMicrosPerDelivered(), r.get(Kind.MOSQUITTO).cpuMicrosPerDelivered(),
                        "user + system of the broker's processes over the measured window");
                dropped("fan-in", r.get(Kind.MIDGE).tally(), r.get(Kind.MOSQUITTO).tally());
            }
        }
    }

    /** Issue 11's device workload: many mTLS devices, each its own certificate, -> one backend on /bench/#. */
    private void fleetFanIn() throws Exception {
        Listener fleet = Listener.mutualTlsWithAcl(pki, BenchPki.ServerKey.EC_P256, FleetFanIn.writeAcl(workDir));
        for (int qos : faninQos) {
            var r = bothBrokers(fleet, b -> FleetFanIn.run(b, pki, devices, qos, 64, tlsWarmup, measure));
            FleetFanIn.Result midge = r.get(Kind.MIDGE);
            FleetFanIn.Result mosquitto = r.get(Kind.MOSQUITTO);
            String what = devices + " mTLS devices (own certificates) -> 1 backend on " + FleetFanIn.FILTER + ", QoS "
                    + qos + ", 64 B, after a " + tlsWarmup.toSeconds() + " s warm-up";
            String note = "ACL: each device writes /bench/%u/attrs; publishes completed/s Midge "
                    + Math.round(midge.publishedPerSecond()) + ", mosquitto " + Math.round(mosquitto.publishedPerSecond())
                    + (midge.failedPublishes() + mosquitto.failedPublishes() == 0 ? "" : "; FAILED publishes Midge "
                    + midge.failedPublishes() + ", mosquitto " + mosquitto.failedPublishes());
            table.add("fan-in mTLS", what, "msgs delivered/s", true, midge.deliveredPerSecond(),
                    mosquitto.deliveredPerSecond(), note);
            table.add("fan-in mTLS", "same, broker CPU time per delivered message", "µs", false,
                    midge.cpuMicrosPerDelivered(), mosquitto.cpuMicrosPerDelivered(),
                    "user + system of the broker's processes over the measured window; Midge by thread (µs): "
                            + midge.cpuByThread());
            table.add("fan-in mTLS", "same, broker RSS under the load (peak VmRSS sampled every 100 ms)", "MiB", false,
                    midge.peak().sampledMiB(), mosquitto.peak().sampledMiB(),
                    "VmHWM Midge " + Math.round(midge.peak().highWaterMiB()) + ", mosquitto "
                            + Math.round(mosquitto.peak().highWaterMiB()) + " MiB; launcher + broker JVM for Midge");
            dropped("fan-in mTLS", midge.tally(), mosquitto.tally());
        }
    }

    /** mosquitto_pub -l -> mosquitto_sub over mTLS, on a fresh broker and once warm. */
    private void pipe() throws Exception {
        Listener fleet = Listener.mutualTlsWithAcl(pki, BenchPki.ServerKey.EC_P256, FleetFanIn.writeAcl(workDir));
        for (int qos : new int[]{0, 1}) {
            var r = bothBrokers(fleet, b -> PipeThroughput.run(b, pki, qos, pipeMessages));
            PipeThroughput.Result midge = r.get(Kind.MIDGE);
            PipeThroughput.Result mosquitto = r.get(Kind.MOSQUITTO);
            String what = "mosquitto_pub -l -> mosquitto_sub, mTLS, QoS " + qos + ", 64 B, " + pipeMessages + " messages";
            table.add("1 -> 1 mTLS", what + ", fresh broker", "msgs delivered/s", true, midge.fresh().perSecond(),
                    mosquitto.fresh().perSecond(), pipeNote(midge.fresh(), mosquitto.fresh()));
            table.add("1 -> 1 mTLS", what + ", warm (after " + PipeThroughput.WARM_BATCHES + " more batches)",
                    "msgs delivered/s", true, midge.warm().perSecond(), mosquitto.warm().perSecond(),
                    pipeNote(midge.warm(), mosquitto.warm()));
            table.add("1 -> 1 mTLS", "same, dropped: published but never delivered, all " + (1 + PipeThroughput.WARM_BATCHES)
                            + " batches", "% of published", false, midge.droppedPercent(), mosquitto.droppedPercent(),
                    "counted to an end marker; delivered Midge " + midge.delivered() + " of " + midge.published()
                            + ", mosquitto " + mosquitto.delivered() + " of " + mosquitto.published());
        }
    }

    private static String pipeNote(PipeThroughput.Batch midge, PipeThroughput.Batch mosquitto) {
        return "CPU µs per delivered: Midge " + round1(midge.cpuMicrosEach()) + ", mosquitto "
                + round1(mosquitto.cpuMicrosEach()) + "; delivered Midge " + midge.delivered() + ", mosquitto "
                + mosquitto.delivered() + " of " + midge.published()
                + (midge.problem() == null ? "" : "; Midge: " + midge.problem())
                + (mosquitto.problem() == null ? "" : "; mosquitto: " + mosquitto.problem());
    }

    private static String round1(double value) {
        return String.format(java.util.Locale.ROOT, "%.1f", value);
    }

    private void fanOut() throws Exception {
        int subscribers = 50;
        for (int qos : new int[]{0, 1}) {
            var r = bothBrokers(Listener.plain(),
                    b -> PubSubThroughput.run(b, 1, subscribers, qos, 64, warmup, measure));
            table.add("fan-out", "1 publisher -> " + subscribers + " subscribers, QoS " + qos + ", 64 B",
                    "msgs delivered/s", true, r.get(Kind.MIDGE).deliveredPerSecond(),
                    r.get(Kind.MOSQUITTO).deliveredPerSecond(), published(r));
            dropped("fan-out", r.get(Kind.MIDGE).tally(), r.get(Kind.MOSQUITTO).tally());
        }
    }

    private void latency() throws Exception {
        for (int qos : new int[]{0, 1}) {
            var r = bothBrokers(Listener.plain(), b -> EndToEndLatency.run(b.port(), qos, rate, warmup, measure));
            EndToEndLatency.Result midge = r.get(Kind.MIDGE);
            EndToEndLatency.Result mosquitto = r.get(Kind.MOSQUITTO);
            String what = "1 -> 1 at " + rate + " msg/s, QoS " + qos + ", 64 B";
            String note = "plain TCP; received Midge " + midge.samples() + "/" + midge.expected() + ", mosquitto "
                    + mosquitto.samples() + "/" + mosquitto.expected();
            table.add("latency", what + ", p50", "µs", false, midge.p50Micros(), mosquitto.p50Micros(), note);
            table.add("latency", what + ", p99", "µs", false, midge.p99Micros(), mosquitto.p99Micros(), note);
            table.add("latency", what + ", p99.9", "µs", false, midge.p999Micros(), mosquitto.p999Micros(), note);
        }
    }

    private void idle() throws Exception {
        var r = bothBrokers(Listener.mutualTls(pki, BenchPki.ServerKey.EC_P256),
                b -> IdleConnections.run(b, tls, idleSteps, threads));
        Map<Integer, Long> midge = r.get(Kind.MIDGE).rssKib();
        Map<Integer, Long> mosquitto = r.get(Kind.MOSQUITTO).rssKib();
        for (int n : midge.keySet()) {
            table.add("idle RSS", n + " idle mTLS connections (EC P-256)", "MiB RSS", false,
                    midge.get(n) / 1024.0, mosquitto.get(n) / 1024.0,
                    "VmRSS of the broker's processes (Midge: broker.jar's launcher + the JVM it re-launched)");
        }
        table.add("idle RSS", "no connections, as soon as the broker listens", "MiB RSS", false,
                r.get(Kind.MIDGE).startRssKib() / 1024.0, r.get(Kind.MOSQUITTO).startRssKib() / 1024.0,
                "before start-up's JIT arenas and garbage are given back; the 0-connection row above is settled"
                        + " (no new low for 5 s)");
        table.add("idle RSS", "no connections, proportional set size", "MiB PSS", false,
                r.get(Kind.MIDGE).idlePssKib() / 1024.0, r.get(Kind.MOSQUITTO).idlePssKib() / 1024.0,
                "Pss of smaps_rollup summed: pages shared between processes (Midge's two JVMs map the same libjvm"
                        + " and class archive) counted once");
        int last = idleSteps[idleSteps.length - 1];
        table.add("idle RSS", "per connection, 0 -> " + last, "KiB", false,
                (midge.get(last) - midge.get(0)) / (double) last, (mosquitto.get(last) - mosquitto.get(0)) / (double) last,
                "growth of VmRSS / connections");
    }

    /**
     * A local broker bridged over mTLS ({@code topic bench/# out QOS}, a certificate of the bench CA) to a
     * remote one of the same kind: publishers on the local, one subscriber on the remote.
     */
    private void bridge() throws Exception {
        if (!brokers.runsBrokerJar() && only != Kind.MOSQUITTO) {
            System.out.println("bridge: skipped, Midge reads a conf's bridges only as broker.jar (pass --midge-jar)");
            return;
        }
        int publishers = 8;
        for (int qos : new int[]{0, 1}) {
            Map<Kind, BridgedThroughput.Result> r = new EnumMap<>(Kind.class);
            for (Kind kind : only == null ? new Kind[]{Kind.MOSQUITTO, Kind.MIDGE} : new Kind[]{only}) {
                try (BrokerProcess remote = brokers.start(kind, Listener.mutualTls(pki, BenchPki.ServerKey.EC_P256));
                     BrokerProcess local = brokers.start(kind, Listener.plain(),
                             BridgedThroughput.bridgeBlock(pki, remote.port(), qos))) {
                    BridgedThroughput.Result result = BridgedThroughput.run(local, remote, pki, publishers, qos, 64,
                            warmup, measure);
                    System.out.println("    " + kind.label + " -> " + kind.label + ": " + result);
                    r.put(kind, result);
                }
            }
            if (only != null) {
                r.put(only == Kind.MIDGE ? Kind.MOSQUITTO : Kind.MIDGE, r.get(only));
            }
            BridgedThroughput.Result midge = r.get(Kind.MIDGE);
            BridgedThroughput.Result mosquitto = r.get(Kind.MOSQUITTO);
            String what = publishers + " publishers -> local broker -> bridge (mTLS, topic bench/# out " + qos
                    + ") -> remote broker -> 1 subscriber, QoS " + qos + ", 64 B";
            String note = "Midge -> Midge vs mosquitto -> mosquitto; publishes completed/s Midge "
                    + Math.round(midge.publishedPerSecond()) + ", mosquitto " + Math.round(mosquitto.publishedPerSecond())
                    + (midge.failedPublishes() + mosquitto.failedPublishes() == 0 ? "" : "; FAILED publishes Midge "
                    + midge.failedPublishes() + ", mosquitto " + mosquitto.failedPublishes());
            table.add("bridge", what, "msgs delivered/s", true, midge.deliveredPerSecond(),
                    mosquitto.deliveredPerSecond(), note);
            table.add("bridge", "same, both brokers' CPU time per delivered message", "µs", false,
                    midge.cpuMicrosPerDelivered(), mosquitto.cpuMicrosPerDelivered(),
                    "local + remote: Midge " + round1(midge.localCpuMicros()) + " + " + round1(midge.remoteCpuMicros())
                            + ", mosquitto " + round1(mosquitto.localCpuMicros()) + " + "
                            + round1(mosquitto.remoteCpuMicros()));
        }
    }

    /**
     * The whole run counted to its end marker: of what the publishers completed (QoS 1: what each
     * broker acknowledged), the share its subscribers never got. A broker that acknowledges and then
     * drops at its queue limit is fast on delivered/s only by this much; this row says how much.
     */
    private void dropped(String scenario, EndMarker.Tally midge, EndMarker.Tally mosquitto) {
        table.add(scenario, "same, dropped: published (QoS 1: acknowledged) but never delivered, whole run",
                "% of published", false, midge.droppedPercent(), mosquitto.droppedPercent(),
                "counted to an end marker; Midge " + midge + "; mosquitto " + mosquitto);
    }

    /** What the publishers saw: how far the brokers accepted more than they delivered. */
    private static String published(Map<Kind, PubSubThroughput.Result> r) {
        PubSubThroughput.Result midge = r.get(Kind.MIDGE);
        PubSubThroughput.Result mosquitto = r.get(Kind.MOSQUITTO);
        String note = "plain TCP; publishes completed/s Midge " + Math.round(midge.publishedPerSecond())
                + ", mosquitto " + Math.round(mosquitto.publishedPerSecond());
        if (midge.failedPublishes() + mosquitto.failedPublishes() > 0) {
            note += "; FAILED publishes Midge " + midge.failedPublishes() + ", mosquitto "
                    + mosquitto.failedPublishes() + " (" + (midge.firstFailure() != null ? midge.firstFailure()
                    : mosquitto.firstFailure()) + ")";
        }
        return note;
    }

    private static String failures(long midge, long mosquitto) {
        return midge + mosquitto == 0 ? "" : "; FAILED handshakes Midge " + midge + ", mosquitto " + mosquitto;
    }
}

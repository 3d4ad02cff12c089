package dev.midge.bench.sidebyside;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import dev.midge.bench.WindowedPublishers;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.JsseMaterial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The device workload of issue 11 (dojot's shape) over mutual TLS: D devices, each with its own
 * certificate from the bench CA (CN {@code dev-N}, the username), publish to their own
 * {@code /bench/dev-N/attrs} as fast as a shared window allows; one backend (CN {@code backend})
 * subscribed to {@code /bench/#} counts what arrives. The ACL lets each device write only its own
 * topic and the backend read them all, so both brokers do the per-message ACL work a fleet needs.
 * Figures: delivered/s, broker CPU per delivered message, the broker's RSS under the load.
 */
final class FleetFanIn {

    static final String FILTER = "/bench/#";
    static final String ACL = "user backend\ntopic read /bench/#\n\npattern write /bench/%u/attrs\n";

    /**
     * @param peak the broker's highest VmRSS sampled during warm-up and measurement, and its VmHWM
     */
    record Result(double deliveredPerSecond, double publishedPerSecond, double cpuMicrosPerDelivered,
                  RssSampler.Peak peak, long failedPublishes, String firstFailure, EndMarker.Tally tally,
                  String cpuByThread) {
        @Override
        public String toString() {
            return String.format("%.0f delivered/s, %.0f published/s, %.1f µs CPU each, RSS peak %.0f MiB (HWM %.0f);"
                            + " whole run: %s%s", deliveredPerSecond, publishedPerSecond, cpuMicrosPerDelivered,
                    peak.sampledMiB(), peak.highWaterMiB(), tally,
                    failedPublishes > 0 ? ", FAILED " + failedPublishes + ": " + firstFailure : "");
        }
    }

    private FleetFanIn() {
    }

    static Path writeAcl(Path dir) throws IOException {
        return Files.writeString(dir.resolve("fleet.acl"), ACL);
    }

    static Result run(BrokerProcess broker, BenchPki pki, int devices, int qos, int payloadBytes,
                      Duration warmup, Duration measure) throws Exception {
        LongAdder delivered = new LongAdder();
        List<Mqtt3AsyncClient> clients = new ArrayList<>();
        try (RssSampler rss = new RssSampler(broker);
             RawSubscriber backend = RawSubscriber.subscribe(pki.contextFor(pki.client("backend")).getSocketFactory(),
                     broker.port(), "backend", FILTER, qos, delivered)) {
            List<CompletableFuture<?>> connecting = new ArrayList<>();
            for (int d = 0; d < devices; d++) {
                Mqtt3AsyncClient client = device(pki, pki.client("dev-" + d), broker.port());
                clients.add(client);
                connecting.add(client.connectWith().cleanSession(true).keepAlive(60).send());
            }
            CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
            // The same total of unfinished publishes as the 8-publisher rows, shared by the devices.
            int window = Math.max(10, 8 * WindowedPublishers.WINDOW / devices);
            WindowedPublishers load = new WindowedPublishers(clients, d -> "/bench/dev-" + d + "/attrs", window,
                    LoadClients.qos(qos), new byte[payloadBytes], Duration.ofSeconds(10));
            CpuWindow cpu = new CpuWindow(broker);
            ThreadCpu threads = new ThreadCpu(broker);
            WindowedPublishers.Rates rates;
            RssSampler.Peak peak;
            try {
                rates = load.measure(warmup, measure, delivered, () -> {
                    cpu.start();
                    threads.start();
                    // For a profiler to attach to the measured window (perf, strace, jcmd).
                    System.err.printf("fanin-mtls QoS %d: measured window of %s starts, broker pids %s%n", qos,
                            broker.name(), broker.processTree().stream().map(p -> Long.toString(p.pid())).toList());
                }, () -> {
                    cpu.end();
                    threads.end();
                });
                peak = rss.stop();
            } finally {
                load.close();
            }
            // The ACL lets each device write only its own topic: its marker goes there.
            EndMarker.Tally tally = EndMarker.await(List.of(backend), clients, d -> "/bench/dev-" + d + "/attrs",
                    LoadClients.qos(qos), load.published(), PubSubThroughput.MARKER_DEADLINE);
            return new Result(rates.deliveredPerSecond(), rates.publishedPerSecond(),
                    cpu.microsEach(rates.deliveredPerSecond() * measure.toMillis() / 1000.0), peak,
                    load.failed(), load.firstFailure(), tally,
                    threads.microsEach(rates.deliveredPerSecond() * measure.toMillis() / 1000.0));
        } finally {
            List<CompletableFuture<Void>> closing = new ArrayList<>();
            for (Mqtt3AsyncClient client : clients) {
                closing.add(client.disconnect().exceptionally(e -> null));
            }
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    private static Mqtt3AsyncClient device(BenchPki pki, IssuedCertificate certificate, int port) {
        return MqttClient.builder().useMqttVersion3()
                .identifier(certificate.name()).serverHost("127.0.0.1").serverPort(port)
                .sslConfig()
                .keyManagerFactory(JsseMaterial.keyManagers(certificate.privateKey(), certificate.certificate()))
                .trustManagerFactory(JsseMaterial.trustManagers(pki.caCertificate()))
                .applySslConfig()
                .buildAsync();
    }
}

package dev.midge.cli.soak;

import dev.midge.broker.MidgeBroker;
import dev.midge.cli.InJvmTlsProvider;
import dev.midge.cli.run.BrokerAssembly;
import dev.midge.cli.run.RunningBroker;
import dev.midge.cli.soak.SoakPki.DeviceCredentials;
import dev.midge.conf.MosquittoConf;
import dev.midge.pki.DataDirectory;
import dev.midge.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bounded soak (issue 7): hundreds of devices connect over mutual TLS, publish QoS 1,
 * disconnect and reconnect for the whole run, thousands of connects in all, while the ACL is
 * rewritten every few seconds and devices are revoked (a real CRL from the broker's own CA) and
 * renewed. The broker runs in this JVM, wired by {@link BrokerAssembly} from a real
 * mosquitto.conf, so Netty's leak detector sees its buffers.
 *
 * <p>Sized for CI by default (about a minute); {@link SoakSettings} lists the properties that
 * make it longer and bigger. Runs with failsafe in {@code mvn verify}; alone:
 * {@code mvn -B -pl cli -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=SoakIT}.
 */
class SoakIT {

    private static final Duration DRAIN = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void everyQos1PublishIsDeliveredOrRefusedWhileDevicesChurnAndTheAclAndCrlAreRewritten() throws Exception {
        SoakSettings settings = SoakSettings.fromSystemProperties();
        SoakReport report = new SoakReport().line("Soak: " + settings);
        long began = System.nanoTime();
        try (LeakReports leaks = new LeakReports()) {
            leaks.proveItSeesALeak(Duration.ofSeconds(30));
            report.line("Before: " + SoakReport.memory());

            int port = Ports.freePort();
            SoakPki pki = SoakPki.create(work.resolve("data"), port);
            DeviceCredentials readerCertificate = pki.issue(SoakReaders.COMMON_NAME);
            PublishLedger ledger = new PublishLedger(SoakReaders.NAMES);
            SecurityTimeline timeline = new SecurityTimeline(settings.grace());
            Violations violations;
            Tally tally;
            try (SoakRun run = new SoakRun(port, pki, ledger, timeline)) {
                violations = run.violations;
                tally = run.tally;
                List<SoakDevice> devices = new ArrayList<>();
                for (int i = 1; i <= settings.devices(); i++) {
                    devices.add(new SoakDevice(String.format("dev-%05d", i), run));
                }
                try (SecurityChurn churn = new SecurityChurn(run, pki.data().aclFile(), devices, settings)) {
                    churn.writeInitialAcl();
                    try (RunningBroker running = BrokerAssembly.start(
                            MosquittoConf.parse(writeConf(pki.data(), port), InJvmTlsProvider.runDefault()).config())) {
                        MidgeBroker broker = running.broker();
                        long started = System.nanoTime();
                        try (SoakReaders readers = SoakReaders.subscribe(run, readerCertificate)) {
                            CompletableFuture<Void> enrolled = enrol(devices, pki, report);
                            churn.start(broker);
                            CompletableFuture.runAsync(() -> { },
                                    CompletableFuture.delayedExecutor(settings.duration().toMillis(), TimeUnit.MILLISECONDS))
                                    .join();
                            // A slow machine (or disk: every issue is synced) gets up to the same time again.
                            awaitQuietly(settings.duration(), () -> run.tally.get("connects accepted") >= settings.minConnects());
                            enrolled.get(10, TimeUnit.MINUTES);
                            churn.finish();
                            run.stop();
                            windDown(devices, ledger, violations);
                            run.readersClosing = true;
                        }
                        report.line("Devices cycled for " + SoakReport.seconds(Duration.ofNanos(System.nanoTime() - started)));
                        awaitNoClients(broker, violations, "after every client disconnected");

                        Map<String, DeviceCredentials> everyone = new LinkedHashMap<>();
                        devices.forEach(d -> everyone.put(d.id(), d.credentials()));
                        for (String reader : SoakReaders.NAMES) {
                            everyone.put(reader, readerCertificate);
                        }
                        report.line("Checked " + LeftoverSessions.check(run, everyone) + " client ids for leftover sessions");
                        awaitNoClients(broker, violations, "after the session check");
                        report.line("At the end, broker running: " + SoakReport.memory());
                    }
                }
                ledger.judge(timeline, tally, violations);
            }
            List<String> leaked = leaks.collect();
            report.line("After close: " + SoakReport.memory())
                    .line("Wall time " + SoakReport.seconds(Duration.ofNanos(System.nanoTime() - began)))
                    .counts("Events and outcomes (" + ledger.attempted() + " QoS 1 publishes)", tally.snapshot())
                    .line("Buffer leaks: " + leaked.size())
                    .line("Violations: " + violations);
            String text = report.publish();

            assertEquals(List.of(), leaked, "Netty reported leaked buffers\n" + text);
            assertTrue(violations.isEmpty(), "the soak saw broken promises\n" + text);
            long connects = tally.get("connects accepted");
            assertTrue(connects >= settings.minConnects(), "only " + connects + " mutual-TLS connects, fewer than "
                    + settings.minConnects() + ": the run did not exercise what it claims\n" + text);
            assertTrue(tally.get("certificates revoked") > 0 && tally.get("connects refused: certificate revoked") > 0
                    && tally.get("ACL rewrites") > 0 && tally.get("refused, PUBACK 0x87") > 0,
                    "the churn never revoked, refused or denied anything\n" + text);
        }
    }

    /**
     * Issues each device's certificate as {@code device add} would and lets it start at once: the
     * CA syncs every issue to disk, so enrolment takes a while and doubles as the ramp-up.
     */
    private static CompletableFuture<Void> enrol(List<SoakDevice> devices, SoakPki pki, SoakReport report) {
        long began = System.nanoTime();
        return CompletableFuture.runAsync(() -> {
            for (SoakDevice device : devices) {
                try {
                    device.certificate(pki.issue(device.id()));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot issue the certificate of " + device.id(), e);
                }
                device.start(ThreadLocalRandom.current().nextLong(500));
            }
            report.line("Enrolled " + devices.size() + " devices (certificates issued while the first ones ran) in "
                    + SoakReport.seconds(Duration.ofNanos(System.nanoTime() - began)));
        }, task -> {
            Thread enrolment = new Thread(task, "soak-enrol");
            enrolment.setDaemon(true);
            enrolment.start();
        });
    }

    /** Devices finish their session and disconnect; every publish gets its answer and its deliveries. */
    private static void windDown(List<SoakDevice> devices, PublishLedger ledger, Violations violations) {
        try {
            CompletableFuture.allOf(devices.stream().map(SoakDevice::finished).toArray(CompletableFuture[]::new))
                    .get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            long stuck = devices.stream().filter(d -> !d.finished().isDone()).count();
            violations.add("devices stuck (never finished their last session)", stuck + " of " + devices.size());
        }
        awaitQuietly(DRAIN, () -> ledger.pending() == 0);
        awaitQuietly(DRAIN, () -> ledger.acknowledgedUndelivered() == 0);
    }

    private static void awaitNoClients(MidgeBroker broker, Violations violations, String when) {
        if (!awaitQuietly(Duration.ofSeconds(10), () -> broker.connectedClients().isEmpty())) {
            violations.add("clients still connected " + when, broker.connectedClients().toString());
        }
    }

    /** Waits; what is still missing afterwards is the judge's to report, with details. */
    private static boolean awaitQuietly(Duration atMost, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(condition);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    /** A real mosquitto.conf over the secure default's files, as an operator would write it. */
    private Path writeConf(DataDirectory data, int port) throws Exception {
        Path conf = work.resolve("soak.conf");
        Files.writeString(conf, String.join("\n",
                "# The soak's broker: mutual TLS, CN as username, the ACL and CRL it rewrites.",
                "listener " + port + " 127.0.0.1",
                "cafile " + data.caChain(),
                "certfile " + data.serverCertificate(),
                "keyfile " + data.serverKey(),
                "require_certificate true",
                "use_identity_as_username true",
                "crlfile " + data.crlFile(),
                "acl_file " + data.aclFile(),
                "# The readers must never fall so far behind that the broker drops what it acknowledged.",
                "max_queued_messages 0",
                ""));
        return conf;
    }
}

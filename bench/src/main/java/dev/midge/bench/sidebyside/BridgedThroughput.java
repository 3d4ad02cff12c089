package dev.midge.bench.sidebyside;

import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import dev.midge.bench.WindowedPublishers;
import dev.midge.testing.IssuedCertificate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A site broker bridged to a central one of the same kind: P publishers (plain TCP) on the local
 * broker, whose bridge ({@code topic bench/# out QOS}) carries their messages over mutual TLS, with
 * a certificate of the bench CA, to the remote, where one subscriber (mTLS) on {@code bench/#}
 * counts them. Figures: delivered/s on the remote and both brokers' CPU per delivered message.
 */
final class BridgedThroughput {

    static final String BRIDGE_CN = "bench-bridge";

    record Result(double deliveredPerSecond, double publishedPerSecond, double localCpuMicros,
                  double remoteCpuMicros, long failedPublishes, String firstFailure) {

        double cpuMicrosPerDelivered() {
            return localCpuMicros + remoteCpuMicros;
        }

        @Override
        public String toString() {
            return String.format("%.0f delivered/s, %.0f published/s, CPU µs each: local %.1f + remote %.1f%s",
                    deliveredPerSecond, publishedPerSecond, localCpuMicros, remoteCpuMicros,
                    failedPublishes > 0 ? ", FAILED " + failedPublishes + ": " + firstFailure : "");
        }
    }

    private BridgedThroughput() {
    }

    /** The same bridge block for both brokers' local conf: mosquitto.conf(5) options only. */
    static String bridgeBlock(BenchPki pki, int remotePort, int qos) {
        IssuedCertificate bridge = pki.client(BRIDGE_CN);
        return "connection bench\n"
                + "address 127.0.0.1:" + remotePort + "\n"
                + "remote_clientid " + BRIDGE_CN + "\n"
                + "cleansession true\n"
                + "notifications false\n"
                + "bridge_cafile " + pki.caFile() + "\n"
                + "bridge_certfile " + bridge.certFile() + "\n"
                + "bridge_keyfile " + bridge.keyFile() + "\n"
                + "topic bench/# out " + qos + "\n";
    }

    static Result run(BrokerProcess local, BrokerProcess remote, BenchPki pki, int publishers, int qos,
                      int payloadBytes, Duration warmup, Duration measure) throws Exception {
        LongAdder delivered = new LongAdder();
        try (RawSubscriber subscriber = RawSubscriber.subscribe(pki.clientContext().getSocketFactory(), remote.port(),
                "sub-0", "bench/#", qos, delivered);
             LoadClients clients = new LoadClients(local.port())) {
            List<Mqtt3AsyncClient> senders = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                senders.add(clients.connect("pub-" + p));
            }
            awaitBridge(senders.get(0), delivered);
            try (WindowedPublishers load = new WindowedPublishers(senders, LoadClients.qos(qos),
                    new byte[payloadBytes], Duration.ofSeconds(10))) {
                CpuWindow localCpu = new CpuWindow(local);
                CpuWindow remoteCpu = new CpuWindow(remote);
                WindowedPublishers.Rates rates = load.measure(warmup, measure, delivered,
                        () -> { localCpu.start(); remoteCpu.start(); }, () -> { localCpu.end(); remoteCpu.end(); });
                double deliveredInWindow = rates.deliveredPerSecond() * measure.toMillis() / 1000.0;
                return new Result(rates.deliveredPerSecond(), rates.publishedPerSecond(),
                        localCpu.microsEach(deliveredInWindow), remoteCpu.microsEach(deliveredInWindow),
                        load.failed(), load.firstFailure());
            }
        }
    }

    /**
     * The bridge connects on its own schedule: a probe goes through it before the load starts (a QoS 0
     * message published while it is down is dropped, so probe until one arrives).
     */
    private static void awaitBridge(Mqtt3AsyncClient sender, LongAdder delivered) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (delivered.sum() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no message crossed the bridge within 60 s; see the brokers' logs");
            }
            sender.publishWith().topic("bench/probe").payload(new byte[]{1}).send();
            Thread.sleep(200); // polling a bridge that connects on its own schedule, not a synchronisation
        }
    }
}

package dev.midge.bench.sidebyside;

import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import dev.midge.bench.WindowedPublishers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * P publishers each publishing as fast as a window of unacknowledged messages allows to
 * {@code bench/t/P} (HiveMQ client), S {@link RawSubscriber}s to {@code bench/t/+}: fan-in is P many
 * and S = 1, fan-out P = 1 and S many. The figure is messages delivered to subscribers per second.
 */
final class PubSubThroughput {

    /**
     * @param publishedPerSecond publishes the client library completed (QoS 1: PUBACKed)
     * @param failedPublishes    publishes the client library failed, with the first reason
     */
    record Result(double deliveredPerSecond, double publishedPerSecond, long failedPublishes, String firstFailure,
                  double cpuMicrosPerDelivered) {
    }

    private PubSubThroughput() {
    }

    static Result run(int port, int publishers, int subscribers, int qos, int payloadBytes,
                      Duration warmup, Duration measure) throws InterruptedException, java.io.IOException {
        return run(null, port, null, publishers, subscribers, qos, payloadBytes, warmup, measure);
    }

    /**
     * With {@code pki} every client presents the device certificate (mutual TLS); with
     * {@code broker} the result also has the broker's CPU time per delivered message.
     */
    static Result run(BrokerProcess broker, int port, BenchPki pki, int publishers, int subscribers, int qos,
                      int payloadBytes, Duration warmup, Duration measure)
            throws InterruptedException, java.io.IOException {
        LongAdder delivered = new LongAdder();
        List<RawSubscriber> receivers = new ArrayList<>();
        try (LoadClients clients = new LoadClients(port, pki)) {
            for (int s = 0; s < subscribers; s++) {
                receivers.add(RawSubscriber.subscribe(port, pki == null ? null : pki.clientContext().getSocketFactory(),
                        "sub-" + s, "bench/t/+", qos, delivered));
            }
            List<Mqtt3AsyncClient> senders = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                senders.add(clients.connect("pub-" + p));
            }
            // Everyone is connected before the first message: connecting is not what we measure.
            try (WindowedPublishers load = new WindowedPublishers(senders, LoadClients.qos(qos),
                    new byte[payloadBytes], Duration.ofSeconds(10))) {
                WindowedPublishers.Rates rates = load.measure(warmup, measure, delivered, () -> cpuMillis(broker));
                return new Result(rates.deliveredPerSecond(), rates.publishedPerSecond(), load.failed(), load.firstFailure(),
                        rates.delivered() == 0 ? Double.NaN : rates.cpuMillis() * 1000 / rates.delivered());
            }
        } finally {
            receivers.forEach(RawSubscriber::close);
        }
    }

    private static double cpuMillis(BrokerProcess broker) {
        try {
            return broker == null ? Double.NaN : broker.cpuMillis();
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
    }
}

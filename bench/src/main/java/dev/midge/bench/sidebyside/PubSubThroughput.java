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
     * @param tally              the whole run's messages, counted to the {@link EndMarker}: delivered and dropped
     */
    record Result(double deliveredPerSecond, double publishedPerSecond, long failedPublishes, String firstFailure,
                  double cpuMicrosPerDelivered, EndMarker.Tally tally) {
    }

    /** How long the end marker may take to reach the subscribers behind what is queued for them. */
    static final Duration MARKER_DEADLINE = Duration.ofSeconds(60);

    private PubSubThroughput() {
    }

    static Result run(BrokerProcess broker, int publishers, int subscribers, int qos, int payloadBytes,
                      Duration warmup, Duration measure) throws InterruptedException, java.io.IOException {
        return run(broker, broker.port(), publishers, subscribers, qos, payloadBytes, warmup, measure);
    }

    /**
     * The publishers on {@code broker}, the subscribers on the broker at {@code subscribePort} (another
     * node of a cluster); the CPU figure is {@code broker}'s.
     */
    static Result run(BrokerProcess broker, int subscribePort, int publishers, int subscribers, int qos,
                      int payloadBytes, Duration warmup, Duration measure)
            throws InterruptedException, java.io.IOException {
        int port = broker.port();
        LongAdder delivered = new LongAdder();
        List<RawSubscriber> receivers = new ArrayList<>();
        try (LoadClients clients = new LoadClients(port)) {
            for (int s = 0; s < subscribers; s++) {
                receivers.add(RawSubscriber.subscribe(subscribePort, "sub-" + s, "bench/t/+", qos, delivered));
            }
            List<Mqtt3AsyncClient> senders = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                senders.add(clients.connect("pub-" + p));
            }
            // Everyone is connected before the first message: connecting is not what we measure.
            WindowedPublishers load = new WindowedPublishers(senders, LoadClients.qos(qos),
                    new byte[payloadBytes], Duration.ofSeconds(10));
            WindowedPublishers.Rates rates;
            CpuWindow cpu = new CpuWindow(broker);
            try {
                rates = load.measure(warmup, measure, delivered, cpu::start, cpu::end);
            } finally {
                load.close();
            }
            EndMarker.Tally tally = EndMarker.await(receivers, senders, p -> "bench/t/" + p, LoadClients.qos(qos),
                    load.published(), MARKER_DEADLINE);
            return new Result(rates.deliveredPerSecond(), rates.publishedPerSecond(), load.failed(), load.firstFailure(),
                    cpu.microsEach(rates.deliveredPerSecond() * measure.toMillis() / 1000.0), tally);
        } finally {
            receivers.forEach(RawSubscriber::close);
        }
    }
}

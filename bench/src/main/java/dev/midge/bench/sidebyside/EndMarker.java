package dev.midge.bench.sidebyside;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The end of a throughput run, made certain: once the publishers have stopped and what they had
 * in flight has completed, each of them publishes its marker, and each subscriber counts what
 * arrived before it had every publisher's (MQTT keeps one publisher's order, not the order across
 * publishers, and a broker may still be reading one publisher's socket when another's marker
 * arrives). A broker may drop a marker like any other message while the subscriber's queue is full
 * (mosquitto does past {@code max_queued_messages}; QoS 0 anywhere), so a publisher whose marker
 * has not arrived publishes it again every second; past the deadline the run reports "no marker"
 * with what arrived so far instead of hanging. Its payload has a length no run's messages have.
 */
final class EndMarker {

    private static final String PREFIX = "midge-bench: end of run, publisher ";
    /** The prefix and a four-digit publisher number. */
    static final int LENGTH = PREFIX.length() + 4;

    static byte[] payload(int publisher) {
        return (PREFIX + String.format("%04d", publisher)).getBytes(StandardCharsets.US_ASCII);
    }

    /** The publisher whose marker this payload (of {@link #LENGTH} bytes) is, or -1 when it is none. */
    static int publisherOf(byte[] payload) {
        String text = new String(payload, StandardCharsets.US_ASCII);
        if (!text.startsWith(PREFIX)) {
            return -1;
        }
        try {
            return Integer.parseInt(text.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * What became of a run's messages: {@code published} completed by the publishers (QoS 1:
     * acknowledged; QoS 0: written) times the subscribers each should reach, {@code delivered}
     * before the marker, over all subscribers.
     */
    record Tally(long expected, long delivered, boolean markerArrived) {
        long dropped() {
            return expected - delivered;
        }

        double droppedPercent() {
            return expected == 0 ? Double.NaN : 100.0 * dropped() / expected;
        }

        @Override
        public String toString() {
            return String.format("%d of %d delivered, %d dropped (%.2f %%)%s", delivered, expected, dropped(),
                    droppedPercent(), markerArrived ? "" : ", NO end marker within the deadline: counted so far");
        }
    }

    private EndMarker() {
    }

    /**
     * Has each publisher publish its marker to its topic until every subscriber has every
     * publisher's, or {@code deadline} passes.
     *
     * @param published what the publishers completed in the whole run, warm-up included
     */
    static Tally await(List<RawSubscriber> subscribers, List<Mqtt3AsyncClient> publishers,
                       java.util.function.IntFunction<String> topicOf, MqttQos qos, long published, Duration deadline)
            throws InterruptedException {
        subscribers.forEach(s -> s.expectMarkers(publishers.size()));
        long end = System.nanoTime() + deadline.toNanos();
        while (!allArrived(subscribers) && System.nanoTime() < end) {
            for (int p = 0; p < publishers.size(); p++) {
                int publisher = p;
                if (!subscribers.stream().allMatch(s -> s.hasMarkerOf(publisher))) {
                    publishers.get(p).publishWith().topic(topicOf.apply(p)).qos(qos).payload(payload(p)).send();
                }
            }
            for (RawSubscriber s : subscribers) {
                try {
                    s.marker().get(Math.max(1, Math.min(1000, (end - System.nanoTime()) / 1_000_000)),
                            TimeUnit.MILLISECONDS);
                } catch (TimeoutException notYet) {
                    break; // publish the missing ones again
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        long delivered = 0;
        boolean arrived = true;
        for (RawSubscriber s : subscribers) {
            if (s.marker().isDone()) {
                delivered += s.marker().join();
            } else {
                arrived = false;
                delivered += s.countedSoFar();
            }
        }
        return new Tally(published * subscribers.size(), delivered, arrived);
    }

    private static boolean allArrived(List<RawSubscriber> subscribers) {
        return subscribers.stream().allMatch(s -> s.marker().isDone());
    }
}

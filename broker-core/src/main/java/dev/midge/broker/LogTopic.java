package dev.midge.broker;

import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * mosquitto's {@code log_dest topic}: the broker's own log lines as messages on
 * {@code $SYS/broker/log/<severity>}, published as mosquitto publishes them (QoS 2, not retained,
 * Message Expiry Interval 20 s; subscribers get them at the QoS they asked for).
 * <p>
 * {@link #offer} never blocks the thread that logs (an event loop, most often): lines wait in a
 * bounded queue that one daemon thread publishes from; when it is full the line is dropped and
 * counted, and one warning says how many once there is room again. What that thread logs itself
 * while publishing is never offered, so a line cannot cause its own publication again.
 */
public final class LogTopic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogTopic.class);

    /** Lines waiting to be published; beyond this they are dropped (a flood of refusals, a stuck loop). */
    static final int CAPACITY = 1000;
    /** mosquitto's log__vprintf publishes with a message expiry of 20 seconds. */
    static final long EXPIRY_SECONDS = 20;

    /** mosquitto's log topics, by the log type the line belongs to (debug lines are not published). */
    public enum Severity {
        ERROR("E"), WARNING("W"), NOTICE("N"), INFORMATION("I"), SUBSCRIBE("M/subscribe"),
        UNSUBSCRIBE("M/unsubscribe"), WEBSOCKETS("WS");

        private final String topic;

        Severity(String suffix) {
            this.topic = "$SYS/broker/log/" + suffix;
        }

        /** The topic lines of this severity are published on. */
        public String topic() {
            return topic;
        }
    }

    private record Line(Severity severity, String text) {
    }

    private final MqttEngine engine;
    private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread publisher;
    private long droppedReported;
    private volatile boolean closed;

    LogTopic(MqttEngine engine) {
        this.engine = engine;
        this.publisher = new Thread(this::publishLines, "midge-log-topic");
        publisher.setDaemon(true);
        publisher.start();
    }

    /**
     * Hands a line to be published; never blocks. False when it was not taken: the queue is full
     * (counted in {@link #dropped()}), the broker is closed, or the line was logged by this
     * publisher's own thread (publishing the log must not feed the log).
     */
    public boolean offer(Severity severity, String line) {
        if (closed || Thread.currentThread() == publisher) {
            return false;
        }
        if (queue.offer(new Line(severity, line))) {
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    /** Lines dropped because the queue was full, since the broker started. */
    public long dropped() {
        return dropped.get();
    }

    private void publishLines() {
        while (!closed) {
            try {
                Line line = queue.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    publish(line.severity(), line.text());
                }
                reportDrops();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Logged from this thread, so not offered again; the next line may go through.
                LOG.error("Publishing a log line on $SYS/broker/log failed", e);
            }
        }
    }

    private void publish(Severity severity, String text) {
        engine.publish(new Message(severity.topic(), text.getBytes(StandardCharsets.UTF_8), 2, false,
                Message.ForwardedProperties.NONE, System.nanoTime() + TimeUnit.SECONDS.toNanos(EXPIRY_SECONDS),
                null), null);
    }

    /** One warning per burst of drops, once the queue has room again; on the topic too, where they were missed. */
    private void reportDrops() {
        long now = dropped.get();
        if (now == droppedReported || queue.remainingCapacity() == 0) {
            return;
        }
        String warning = "Warning: " + (now - droppedReported) + " log lines were not published on $SYS/broker/log: more"
                + " than " + CAPACITY + " were waiting.";
        droppedReported = now;
        LOG.warn(warning);
        publish(Severity.WARNING, warning);
    }

    /** Stops publishing; lines still waiting are dropped with the broker. */
    @Override
    public void close() {
        closed = true;
        publisher.interrupt();
    }
}

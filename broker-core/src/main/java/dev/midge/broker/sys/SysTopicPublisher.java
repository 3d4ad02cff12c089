package dev.midge.broker.sys;

import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.message.Message;
import dev.midge.broker.counters.BrokerCounters;
import dev.midge.broker.metrics.Figure;
import dev.midge.broker.metrics.FigureSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the {@code $SYS/broker/...} tree as mosquitto 2.0 does: retained QoS 0 messages from the
 * broker itself, the version once at start, the rest every {@code sys_interval} seconds, each topic only
 * when its value changed (all of them the first time). Runs on the broker's timer thread; routing
 * hands the messages to the subscribers' event loops like any publish.
 */
public final class SysTopicPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SysTopicPublisher.class);

    private final MqttEngine engine;
    private final List<FigureSource> sources;
    private final long startNanos = System.nanoTime();
    private final LoadAverages loads = new LoadAverages();
    private final Map<String, String> published = new HashMap<>();
    private long heapMaximum;
    private boolean sourceFailureLogged;
    private ScheduledFuture<?> task;

    private SysTopicPublisher(MqttEngine engine, List<FigureSource> sources) {
        this.engine = engine;
        this.sources = sources;
    }

    /** Starts publishing every {@code intervalSeconds} (the first at once); null when the interval is 0. */
    public static SysTopicPublisher start(MqttEngine engine, List<FigureSource> sources,
                                          ScheduledExecutorService timer, int intervalSeconds) {
        if (intervalSeconds <= 0) {
            return null;
        }
        SysTopicPublisher p = new SysTopicPublisher(engine, sources);
        p.publish("$SYS/broker/version", "midge version " + version());
        p.task = timer.scheduleAtFixedRate(p::tick, 0, intervalSeconds, TimeUnit.SECONDS);
        return p;
    }

    static String version() {
        String v = SysTopicPublisher.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    private void tick() {
        try {
            BrokerCounters.Totals totals = engine.counters().totals();
            long now = System.nanoTime();
            publish("$SYS/broker/uptime", (now - startNanos) / 1_000_000_000L + " seconds");
            for (Figure f : BrokerFigures.collect(engine, totals, BrokerFigures.SessionTotals.of(engine))) {
                publish(f.topic(), f.formattedValue());
                if (f.topic().equals("$SYS/broker/heap/current")) {
                    heapMaximum = Math.max(heapMaximum, (long) f.value());
                }
            }
            publish("$SYS/broker/heap/maximum", Long.toString(heapMaximum));
            loads.update(totals, now).forEach((topic, load) ->
                    publish(topic, String.format(java.util.Locale.ROOT, "%.2f", load)));
            for (FigureSource source : sources) {
                source.collect(f -> publish(f.topic(), f.formattedValue()));
            }
        } catch (RuntimeException e) {
            // The timer would silently stop a periodic task that throws: log it and carry on.
            if (!sourceFailureLogged) {
                sourceFailureLogged = true;
                LOG.error("Updating the $SYS topics failed; retrying every sys_interval, further failures unlogged", e);
            }
        }
    }

    private void publish(String topic, String value) {
        if (value.equals(published.put(topic, value))) {
            return;
        }
        engine.publish(Message.of(topic, value.getBytes(StandardCharsets.UTF_8), 0, true), null);
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}

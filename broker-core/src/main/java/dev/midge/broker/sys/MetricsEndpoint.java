package dev.midge.broker.sys;

import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.metrics.Figure;
import dev.midge.broker.metrics.FigureSource;
import dev.midge.broker.counters.TrafficCounter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code /metrics} in Prometheus' text format (the Prometheus Java client's HTTP server, on its own
 * two daemon threads, never an event loop) and {@code /health}: 200 while every listener is bound and the
 * store can write, 503 with the reason otherwise. The figures are {@link BrokerFigures}' (the same as
 * {@code $SYS}), the modules' {@link FigureSource}s, open connections per listener, the store file's size
 * and the TLS handshake latency histogram. Its own registry, so two brokers in one JVM do not mix.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    /** A listener as the per-listener gauge names it, and its counter. */
    public record ListenerTraffic(String name, TrafficCounter counter) {
    }

    private static final String NO_TOPIC = "";

    private final HTTPServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(HTTPServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static MetricsEndpoint start(InetSocketAddress address, MqttEngine engine, List<FigureSource> sources,
                                        List<ListenerTraffic> listeners, BooleanSupplier listenersUp) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(engine.counters().handshakeSeconds());
        registry.register((io.prometheus.metrics.model.registry.MultiCollector) () -> collect(engine, sources, listeners));
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "midge-metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            HTTPServer server = HTTPServer.builder()
                    .inetAddress(address.getAddress())
                    .port(address.getPort())
                    .registry(registry)
                    .executorService(executor)
                    .defaultHandler(new HealthHandler(() -> health(engine, listenersUp)))
                    .buildAndStart();
            LOG.info("Serving /metrics and /health on http://{}:{}/", address.getAddress().getHostAddress(),
                    server.getPort());
            return new MetricsEndpoint(server, executor);
        } catch (IOException e) {
            executor.shutdownNow();
            String message = "Cannot serve metrics on " + address.getAddress().getHostAddress() + ":"
                    + address.getPort() + ": " + e.getMessage();
            java.net.BindException bind = new java.net.BindException(message);
            bind.initCause(e);
            throw new IllegalStateException(message, bind);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** Null when healthy, else what is wrong, in a few words. */
    static String health(MqttEngine engine, BooleanSupplier listenersUp) {
        if (!listenersUp.getAsBoolean()) {
            return "a listener is not bound";
        }
        if (!engine.storeWritable()) {
            return "the store cannot write";
        }
        return null;
    }

    private static MetricSnapshots collect(MqttEngine engine, List<FigureSource> sources,
                                           List<ListenerTraffic> listeners) {
        List<Figure> figures = new ArrayList<>(BrokerFigures.collect(engine, engine.counters().totals(),
                BrokerFigures.SessionTotals.of(engine)));
        for (FigureSource source : sources) {
            source.collect(figures::add);
        }
        // Prometheus only (no $SYS topic, hence NO_TOPIC): mosquitto publishes neither.
        for (ListenerTraffic l : listeners) {
            figures.add(new Figure(NO_TOPIC, "midge_listener_connections", "Connections open on a listener",
                    Figure.Kind.GAUGE, "listener", l.name(), l.counter().openConnections()));
        }
        Path store = engine.storeFile();
        if (store != null) {
            figures.add(new Figure(NO_TOPIC, "midge_store_file_bytes", "Size of the persistent store file",
                    Figure.Kind.GAUGE, null, null, fileSize(store)));
        }
        return snapshots(figures);
    }

    private static long fileSize(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Figures sharing a metric name (one per label value) become one metric with several samples. */
    static MetricSnapshots snapshots(List<Figure> figures) {
        Map<String, List<Figure>> byMetric = new LinkedHashMap<>();
        for (Figure f : figures) {
            if (!f.metric().isEmpty()) {
                byMetric.computeIfAbsent(f.metric(), m -> new ArrayList<>()).add(f);
            }
        }
        List<MetricSnapshot> out = new ArrayList<>();
        byMetric.forEach((metric, list) -> {
            Figure first = list.get(0);
            if (first.kind() == Figure.Kind.COUNTER) {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(metric).help(first.help());
                list.forEach(f -> b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(labels(f)).value(f.value()).build()));
                out.add(b.build());
            } else {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(metric).help(first.help());
                list.forEach(f -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(labels(f)).value(f.value()).build()));
                out.add(b.build());
            }
        });
        return new MetricSnapshots(out);
    }

    private static Labels labels(Figure f) {
        return f.label() == null ? Labels.EMPTY : Labels.of(f.label(), f.labelValue());
    }

    @Override
    public void close() {
        server.close();
        executor.shutdownNow();
    }
}

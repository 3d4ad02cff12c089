package dev.midge.broker.metrics;

import java.util.Objects;

/**
 * One figure the broker reports, both as a retained {@code $SYS} topic and as a Prometheus sample.
 * Modules outside the core (TLS, the CA) hand theirs in through a {@link FigureSource}:
 * {@code Figure.counter("tls/refusals", "...", "reason", "revoked", 3)} is
 * {@code $SYS/broker/midge/tls/refusals/revoked 3} and {@code midge_tls_refusals_total{reason="revoked"} 3}.
 *
 * @param topic      the {@code $SYS} topic it is published on
 * @param metric     the Prometheus metric name (without {@code _total})
 * @param help       one line for people
 * @param kind       counter (only grows) or gauge
 * @param label      the one label's name, or null
 * @param labelValue the label's value, or null
 * @param value      the figure
 * @param text       a $SYS-only figure that is words, not a number (a bridge's remote host:port), or null
 */
public record Figure(String topic, String metric, String help, Kind kind, String label, String labelValue,
                     double value, String text) {

    public enum Kind { COUNTER, GAUGE }

    /** Where Midge's own figures live under {@code $SYS}, next to mosquitto's. */
    public static final String MIDGE_TOPIC = "$SYS/broker/midge/";

    public Figure {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(kind, "kind");
        if ((label == null) != (labelValue == null)) {
            throw new IllegalArgumentException("a label needs a name and a value");
        }
        if (text != null && !metric.isEmpty()) {
            throw new IllegalArgumentException("a text figure has no Prometheus metric: " + metric);
        }
    }

    public Figure(String topic, String metric, String help, Kind kind, String label, String labelValue, double value) {
        this(topic, metric, help, kind, label, labelValue, value, null);
    }

    /** A {@code $SYS} topic whose value is text; Prometheus has no place for it. */
    public static Figure text(String topic, String text) {
        return new Figure(topic, "", null, Kind.GAUGE, null, null, 0, Objects.requireNonNull(text, "text"));
    }

    public static Figure counter(String name, String help, long value) {
        return midge(name, help, Kind.COUNTER, null, null, value);
    }

    public static Figure counter(String name, String help, String label, String labelValue, long value) {
        return midge(name, help, Kind.COUNTER, label, labelValue, value);
    }

    public static Figure gauge(String name, String help, double value) {
        return midge(name, help, Kind.GAUGE, null, null, value);
    }

    public static Figure gauge(String name, String help, String label, String labelValue, double value) {
        return midge(name, help, Kind.GAUGE, label, labelValue, value);
    }

    /** {@code name} is a few lower-case words separated by '/', e.g. {@code crl/next_update}. */
    private static Figure midge(String name, String help, Kind kind, String label, String labelValue, double value) {
        if (!name.matches("[a-z0-9_]+(/[a-z0-9_]+)*")) {
            throw new IllegalArgumentException("figure name must be lower-case words separated by '/': " + name);
        }
        String topic = MIDGE_TOPIC + name + (labelValue == null ? "" : "/" + topicLevel(labelValue));
        return new Figure(topic, "midge_" + name.replace('/', '_'), help, kind, label, labelValue, value);
    }

    /** A label value becomes one topic level: no separators, no wildcards. */
    public static String topicLevel(String value) {
        String level = value.replaceAll("[/+#\\x00-\\x1f]", "_");
        return level.isEmpty() ? "_" : level;
    }

    /** As mosquitto writes its figures: whole numbers without decimals, others with two. */
    public String formattedValue() {
        if (text != null) {
            return text;
        }
        if (value == Math.rint(value) && !Double.isInfinite(value)) {
            return Long.toString((long) value);
        }
        return String.format(java.util.Locale.ROOT, "%.2f", value);
    }
}

package dev.midge.broker.metrics;

import java.util.function.Consumer;

/**
 * Figures a module outside the core keeps (TLS refusals by reason, CRL next update, enrolments),
 * read every {@code sys_interval} for {@code $SYS/broker/midge/...} and on each Prometheus scrape.
 * Called from the broker's timer or the metrics server's thread, never an event loop; must be quick
 * and must not block (return what is already counted).
 */
@FunctionalInterface
public interface FigureSource {

    void collect(Consumer<Figure> out);
}

package dev.midge.tls;

import dev.midge.broker.metrics.Figure;
import dev.midge.broker.metrics.FigureSource;

import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The TLS figures of every listener that {@link TlsListenerSecurity#reportTo reports here}, summed:
 * refused handshakes by reason, connections dropped because a new CRL revoked them, and the CRLs in force
 * (earliest nextUpdate, revoked certificates). The CLI hands it to the broker as a {@link FigureSource}:
 * {@code $SYS/broker/midge/tls/...}, {@code /crl/...}, {@code /revocation/...} and {@code midge_tls_*} etc.
 */
public final class TlsStatistics implements FigureSource {

    /** One listener's own counts; the listener increments them. */
    static final class ListenerCounts {
        final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
        final LongAdder revokedDisconnects = new LongAdder();

        void refused(String reason) {
            refusals.computeIfAbsent(reason, r -> new LongAdder()).increment();
        }
    }

    /** A listener's counts and the CRL it has in force now (null without one). */
    private record Listener(ListenerCounts counts, java.util.function.Supplier<RevocationList> crl) {
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    void add(ListenerCounts counts, java.util.function.Supplier<RevocationList> crlInForce) {
        listeners.add(new Listener(counts, crlInForce));
    }

    @Override
    public void collect(Consumer<Figure> out) {
        Map<String, Long> refusals = new TreeMap<>();
        RefusalReason.ALL.forEach(r -> refusals.put(r, 0L));
        long dropped = 0;
        Instant nextUpdate = null;
        long revoked = 0;
        boolean anyCrl = false;
        for (Listener l : listeners) {
            ListenerCounts c = l.counts();
            c.refusals.forEach((reason, n) -> refusals.merge(reason, n.sum(), Long::sum));
            dropped += c.revokedDisconnects.sum();
            RevocationList crl = l.crl().get();
            if (crl != null) {
                anyCrl = true;
                revoked += crl.revokedCount();
                Instant next = crl.earliestNextUpdate().orElse(null);
                if (next != null && (nextUpdate == null || next.isBefore(nextUpdate))) {
                    nextUpdate = next;
                }
            }
        }
        refusals.forEach((reason, n) -> out.accept(Figure.counter("tls/refusals",
                "TLS handshakes refused, by reason", "reason", reason, n)));
        out.accept(Figure.counter("revocation/disconnects",
                "Live connections dropped because a new CRL revoked their certificate", dropped));
        if (anyCrl) {
            out.accept(Figure.gauge("crl/revoked_certificates", "Certificates revoked by the CRLs in force", revoked));
        }
        if (nextUpdate != null) {
            out.accept(Figure.gauge("crl/next_update", "Earliest nextUpdate of the CRLs in force, Unix seconds",
                    nextUpdate.getEpochSecond()));
        }
    }

    static long revokedIn(X509CRL crl) {
        return crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
    }
}

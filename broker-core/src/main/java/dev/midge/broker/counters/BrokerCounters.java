package dev.midge.broker.counters;

import io.prometheus.metrics.core.metrics.Histogram;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The broker's running totals, as mosquitto keeps them for {@code $SYS/broker/...}: incremented where
 * things happen (the packet and byte counters in the pipeline, connects in the engine), read every
 * {@code sys_interval} and on each scrape. LongAdders, so an increment on the publish path costs a
 * cell-local add and never contends between event loops.
 */
public final class BrokerCounters {

    final LongAdder bytesReceived = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder packetsReceived = new LongAdder();
    final LongAdder packetsSent = new LongAdder();
    final LongAdder publishReceived = new LongAdder();
    final LongAdder publishSent = new LongAdder();
    final LongAdder publishBytesReceived = new LongAdder();
    final LongAdder publishBytesSent = new LongAdder();
    final LongAdder publishDropped = new LongAdder();
    final LongAdder sockets = new LongAdder();
    final LongAdder connects = new LongAdder();
    final LongAdder clientsExpired = new LongAdder();
    final LongAdder aclDenials = new LongAdder();
    final LongAdder handshakes = new LongAdder();
    final LongAdder handshakesFailed = new LongAdder();
    /** From accepting the socket to the end of the TLS handshake; a Prometheus histogram, which is cheap to observe. */
    private final Histogram handshakeSeconds = Histogram.builder()
            .name("midge_tls_handshake_seconds")
            .help("Time from accepting a TLS connection to the end of its handshake, successful or not")
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .build();
    private final AtomicLong connected = new AtomicLong();
    private final AtomicLong connectedMaximum = new AtomicLong();

    /** A CONNECT was accepted (a new, resumed or taken-over session). */
    public void clientConnected() {
        connects.increment();
        long now = connected.incrementAndGet();
        connectedMaximum.accumulateAndGet(now, Math::max);
    }

    /** A connection that {@link #clientConnected() connected} ended. */
    public void clientDisconnected() {
        connected.decrementAndGet();
    }

    /**
     * Packets written as bytes rather than as Netty MQTT messages (a read's coalesced PUBACKs, an
     * outbox run's PUBLISHes), which {@link PacketCounter} does not see: counted here, once per buffer.
     */
    public void sentAsBytes(int packets, int publishes, long publishPayloadBytes) {
        packetsSent.add(packets);
        if (publishes > 0) {
            publishSent.add(publishes);
            publishBytesSent.add(publishPayloadBytes);
        }
    }

    /** A disconnected session expired (mosquitto's {@code clients/expired}). */
    public void clientExpired() {
        clientsExpired.increment();
    }

    /** Incremented by a session whose full queue drops an outgoing message. */
    public LongAdder publishDroppedCounter() {
        return publishDropped;
    }

    /** The authoriser said no to a publish, subscribe or delivery. */
    public void aclDenied() {
        aclDenials.increment();
    }

    /** The authoriser, its refusals counted. */
    public dev.midge.broker.security.Authorizer counting(dev.midge.broker.security.Authorizer authorizer) {
        return new CountingAuthorizer(authorizer, this);
    }

    void handshakeDone(boolean success, long nanos) {
        (success ? handshakes : handshakesFailed).increment();
        handshakeSeconds.observe(nanos / 1e9);
    }

    /** For the metrics endpoint, which registers it. */
    public Histogram handshakeSeconds() {
        return handshakeSeconds;
    }

    void socketOpened() {
        sockets.increment();
    }

    void received(int bytes) {
        bytesReceived.add(bytes);
    }

    void sent(int bytes) {
        bytesSent.add(bytes);
    }

    /** The most clients connected at once since start (mosquitto's {@code clients/maximum}). */
    public long connectedMaximum() {
        return connectedMaximum.get();
    }

    /** A copy of the totals, read once for one report. */
    public Totals totals() {
        return new Totals(bytesReceived.sum(), bytesSent.sum(), packetsReceived.sum(), packetsSent.sum(),
                publishReceived.sum(), publishSent.sum(), publishBytesReceived.sum(), publishBytesSent.sum(),
                publishDropped.sum(), sockets.sum(), connects.sum(), clientsExpired.sum(), aclDenials.sum(),
                handshakes.sum(), handshakesFailed.sum(), connectedMaximum.get());
    }

    /** The running totals at one moment. */
    public record Totals(long bytesReceived, long bytesSent, long packetsReceived, long packetsSent,
                         long publishReceived, long publishSent, long publishBytesReceived, long publishBytesSent,
                         long publishDropped, long sockets, long connects, long clientsExpired, long aclDenials,
                         long handshakes, long handshakesFailed, long connectedMaximum) {
    }
}

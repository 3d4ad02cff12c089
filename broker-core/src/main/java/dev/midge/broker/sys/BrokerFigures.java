package dev.midge.broker.sys;

import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.counters.BrokerCounters;
import dev.midge.broker.metrics.Figure;
import dev.midge.broker.metrics.Figure.Kind;
import dev.midge.broker.session.Session;
import dev.midge.broker.subscription.Subscription;

import java.util.ArrayList;
import java.util.List;

/**
 * The core's figures at one moment, under mosquitto 2.0's {@code $SYS/broker/...} topics (src/sys_tree.c)
 * and as Prometheus metrics: one table, so the two never disagree. Reading it walks the sessions once;
 * it runs on the broker's timer or the metrics server's thread, never on an event loop.
 */
final class BrokerFigures {

    /** Whole-broker state counted by walking the sessions. */
    record SessionTotals(long sessions, long connected, long subscriptions, long sharedSubscriptions,
                         long queued, long inflight, long largestQueue) {

        static SessionTotals of(MqttEngine engine) {
            long sessions = 0, connected = 0, subscriptions = 0, shared = 0, queued = 0, inflight = 0, largest = 0;
            for (Session s : engine.sessions().all()) {
                sessions++;
                if (s.isConnected()) {
                    connected++;
                }
                for (Subscription sub : s.subscriptions()) {
                    if (sub.filter().isShared()) {
                        shared++;
                    } else {
                        subscriptions++;
                    }
                }
                long q = s.queuedCount() + s.queuedQos0Count();
                queued += q;
                largest = Math.max(largest, q);
                inflight += s.inflightCount();
            }
            return new SessionTotals(sessions, connected, subscriptions, shared, queued, inflight, largest);
        }
    }

    private BrokerFigures() {
    }

    static List<Figure> collect(MqttEngine engine, BrokerCounters.Totals t, SessionTotals s) {
        List<Figure> out = new ArrayList<>();
        long retained = engine.retained().size();
        gauge(out, "clients/total", "clients_total", "Sessions the broker holds, connected or not", s.sessions());
        gauge(out, "clients/connected", "clients_connected", "Clients connected now", s.connected());
        gauge(out, "clients/active", null, null, s.connected());
        gauge(out, "clients/disconnected", "clients_disconnected",
                "Persistent sessions whose client is not connected", s.sessions() - s.connected());
        gauge(out, "clients/inactive", null, null, s.sessions() - s.connected());
        gauge(out, "clients/maximum", "clients_maximum", "Most clients connected at once since start",
                Math.max(t.connectedMaximum(), s.connected()));
        counter(out, "clients/expired", "clients_expired", "Sessions that expired while disconnected", t.clientsExpired());
        counter(out, "messages/received", "messages_received", "MQTT packets received", t.packetsReceived());
        counter(out, "messages/sent", "messages_sent", "MQTT packets sent", t.packetsSent());
        gauge(out, "messages/stored", null, null, retained + s.queued() + s.inflight());
        gauge(out, "store/messages/count", "store_messages", "Messages held: retained, queued and in flight",
                retained + s.queued() + s.inflight());
        gauge(out, "store/messages/bytes", "retained_bytes", "Payload bytes of the retained messages",
                engine.retained().payloadBytes());
        gauge(out, "subscriptions/count", "subscriptions", "Subscriptions (not shared)", s.subscriptions());
        gauge(out, "shared_subscriptions/count", "shared_subscriptions", "Shared subscriptions", s.sharedSubscriptions());
        gauge(out, "retained messages/count", "retained_messages", "Retained messages", retained);
        counter(out, "publish/messages/dropped", "publish_dropped",
                "Outgoing PUBLISH dropped because a client's queue was full", t.publishDropped());
        counter(out, "publish/messages/received", "publish_received", "PUBLISH packets received", t.publishReceived());
        counter(out, "publish/messages/sent", "publish_sent", "PUBLISH packets sent", t.publishSent());
        counter(out, "publish/bytes/received", "publish_bytes_received", "PUBLISH payload bytes received",
                t.publishBytesReceived());
        counter(out, "publish/bytes/sent", "publish_bytes_sent", "PUBLISH payload bytes sent", t.publishBytesSent());
        counter(out, "bytes/received", "bytes_received", "Bytes received on every socket (TLS records included)",
                t.bytesReceived());
        counter(out, "bytes/sent", "bytes_sent", "Bytes sent on every socket (TLS records included)", t.bytesSent());
        Runtime rt = Runtime.getRuntime();
        gauge(out, "heap/current", "jvm_heap_used_bytes", "JVM heap in use (mosquitto: its malloc heap)",
                rt.totalMemory() - rt.freeMemory());
        // Midge's own, next to mosquitto's
        gauge(out, "midge/queued_messages", "queued_messages", "Messages waiting in clients' queues", s.queued());
        gauge(out, "midge/largest_queue", "largest_queue", "Messages waiting in the longest client queue",
                s.largestQueue());
        gauge(out, "midge/inflight_messages", "inflight_messages", "QoS 1/2 messages sent and not yet acknowledged",
                s.inflight());
        counter(out, "midge/acl/denials", "acl_denials",
                "Publishes, subscriptions and deliveries the authoriser refused", t.aclDenials());
        counter(out, "midge/tls/handshakes", "tls_handshakes", "TLS handshakes completed", t.handshakes());
        counter(out, "midge/tls/handshakes_failed", "tls_handshakes_failed",
                "TLS handshakes that failed or were refused", t.handshakesFailed());
        counter(out, "midge/connections", "connections", "CONNECTs accepted", t.connects());
        counter(out, "midge/sockets", "sockets", "Sockets accepted", t.sockets());
        return out;
    }

    /** {@code metric} null: a mosquitto alias ($SYS only), e.g. clients/active next to clients/connected. */
    private static void gauge(List<Figure> out, String topic, String metric, String help, double value) {
        out.add(new Figure("$SYS/broker/" + topic, metric == null ? "" : "midge_" + metric, help, Kind.GAUGE,
                null, null, value));
    }

    private static void counter(List<Figure> out, String topic, String metric, String help, long value) {
        out.add(new Figure("$SYS/broker/" + topic, "midge_" + metric, help, Kind.COUNTER, null, null, value));
    }
}

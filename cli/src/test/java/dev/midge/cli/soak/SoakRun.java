package dev.midge.cli.soak;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;

import javax.net.ssl.KeyManagerFactory;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What every device and reader of one soak run shares: where the broker is, the CA's trust
 * anchors, the books (ledger, timeline, tally, violations), the pacing timer and the stop flag.
 */
final class SoakRun implements AutoCloseable {

    final int port;
    final SoakPki pki;
    final PublishLedger ledger;
    final SecurityTimeline timeline;
    final Tally tally = new Tally();
    final Violations violations = new Violations();
    /** Paces devices; client callbacks hop here so that nothing runs long on the clients' event loops. */
    final ScheduledExecutorService timer;
    private volatile boolean stopping;
    /** Set before the readers disconnect, so that their own disconnect is not reported as lost. */
    volatile boolean readersClosing;

    SoakRun(int port, SoakPki pki, PublishLedger ledger, SecurityTimeline timeline) {
        this.port = port;
        this.pki = pki;
        this.ledger = ledger;
        this.timeline = timeline;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "soak-timer");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
    }

    /** An MQTT 5 client presenting this certificate, over mutual TLS. */
    Mqtt5ClientBuilder mqtt5(String clientId, KeyManagerFactory certificate) {
        return MqttClient.builder().useMqttVersion5().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(port)
                .sslConfig().keyManagerFactory(certificate).trustManagerFactory(pki.trust()).applySslConfig();
    }

    Mqtt3ClientBuilder mqtt3(String clientId, KeyManagerFactory certificate) {
        return MqttClient.builder().useMqttVersion3().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(port)
                .sslConfig().keyManagerFactory(certificate).trustManagerFactory(pki.trust()).applySslConfig();
    }

    void schedule(Runnable task, long delayMillis) {
        if (!timer.isShutdown()) {
            timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    void stop() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

package dev.midge.cli.soak;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.MqttClientStateException;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import dev.midge.cli.soak.PublishLedger.Attempt;
import dev.midge.cli.soak.PublishLedger.Outcome;
import dev.midge.cli.soak.SoakPki.DeviceCredentials;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One device's life for the whole run, without a thread of its own: connect over mutual TLS
 * with its current certificate, publish a few QoS 1 messages to {@code soak/ID/attrs}, disconnect,
 * go quiet for a moment, and again. A refused connect (its certificate was revoked) is retried
 * until a renewal gives it a new certificate.
 */
final class SoakDevice {

    private final String id;
    private final SoakRun run;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile DeviceCredentials credentials;
    private volatile boolean online;

    SoakDevice(String id, SoakRun run) {
        this.id = id;
        this.run = run;
    }

    String id() {
        return id;
    }

    DeviceCredentials credentials() {
        return credentials;
    }

    /** Its first certificate, or a renewal: the next connect presents it. */
    void certificate(DeviceCredentials issued) {
        credentials = issued;
    }

    boolean online() {
        return online;
    }

    /** Completes once the device has disconnected for good after {@link SoakRun#stop()}. */
    CompletableFuture<Void> finished() {
        return finished;
    }

    void start(long delayMillis) {
        run.schedule(this::connect, delayMillis);
    }

    private void connect() {
        if (run.stopping()) {
            finished.complete(null);
            return;
        }
        DeviceCredentials certificate = credentials;
        Mqtt5AsyncClient client = run.mqtt5(id, certificate.keyManagers())
                .addDisconnectedListener(context -> {
                    if (online && context.getSource() == MqttDisconnectSource.SERVER) {
                        run.tally.add("devices disconnected by the broker: " + describe(context.getCause()));
                    }
                })
                .buildAsync();
        long started = System.nanoTime();
        client.connectWith().cleanStart(true).sessionExpiryInterval(0).keepAlive(60).send()
                .whenCompleteAsync((connAck, failure) -> {
                    if (failure != null) {
                        refused(certificate, started, failure);
                    } else {
                        connected(client, certificate, started);
                    }
                }, run.timer);
    }

    private void refused(DeviceCredentials certificate, long started, Throwable failure) {
        if (run.timeline.revokedBefore(certificate.serial(), System.nanoTime())) {
            run.tally.add("connects refused: certificate revoked");
        } else {
            // Not a broken promise (the device saw the failure and retries), but a capacity
            // signal: under overload the broker's TLS handshakes time out (see the report).
            run.tally.add("connects failed although the certificate is valid: " + describe(failure));
        }
        run.schedule(this::connect, ThreadLocalRandom.current().nextLong(300, 1_000));
    }

    private void connected(Mqtt5AsyncClient client, DeviceCredentials certificate, long started) {
        run.tally.add("connects accepted");
        if (run.timeline.revocationInForceBefore(certificate.serial(), started)) {
            run.violations.add("a revoked certificate was accepted at CONNECT",
                    id + " (certificate " + certificate.serial().toString(16) + ")");
        }
        online = true;
        int messages = ThreadLocalRandom.current().nextInt(2, 7);
        publishNext(client, certificate, messages, new ArrayList<>());
    }

    private void publishNext(Mqtt5AsyncClient client, DeviceCredentials certificate, int remaining,
                             List<CompletableFuture<?>> answers) {
        if (remaining == 0 || run.stopping() || !client.getState().isConnected()) {
            endSession(client, answers);
            return;
        }
        Attempt attempt = run.ledger.begin(id, certificate.serial());
        answers.add(client.publishWith().topic("soak/" + id + "/attrs").qos(MqttQos.AT_LEAST_ONCE)
                .payload(Long.toString(attempt.id).getBytes(StandardCharsets.UTF_8))
                .send()
                .whenComplete((result, failure) -> record(attempt, result, failure)));
        run.schedule(() -> publishNext(client, certificate, remaining - 1, answers),
                ThreadLocalRandom.current().nextLong(400, 1_400));
    }

    private void endSession(Mqtt5AsyncClient client, List<CompletableFuture<?>> answers) {
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .handle((ignored, failure) -> null)
                .thenCompose(ignored -> client.getState().isConnected()
                        ? client.disconnect().handle((done, failure) -> null)
                        : CompletableFuture.completedFuture(null))
                .whenComplete((ignored, failure) -> {
                    online = false;
                    run.schedule(this::connect, ThreadLocalRandom.current().nextLong(200, 1_500));
                });
    }

    private static void record(Attempt attempt, Mqtt5PublishResult result, Throwable failure) {
        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
        if (cause == null && result.getError().isPresent()) {
            cause = result.getError().get();
        }
        if (cause instanceof Mqtt5PubAckException refusal) {
            Mqtt5PubAck pubAck = refusal.getMqttMessage();
            attempt.answer(Outcome.REFUSED, pubAck.getReasonCode().getCode(), null);
        } else if (cause instanceof MqttClientStateException) {
            attempt.answer(Outcome.NOT_SENT, -1, cause.getClass().getSimpleName());
        } else if (cause != null) {
            attempt.answer(Outcome.CONNECTION_LOST, -1, describe(cause));
        } else if (result instanceof Mqtt5PublishResult.Mqtt5Qos1Result acknowledged) {
            Mqtt5PubAck pubAck = acknowledged.getPubAck();
            attempt.answer(pubAck.getReasonCode().isError() ? Outcome.REFUSED : Outcome.ACKNOWLEDGED,
                    pubAck.getReasonCode().getCode(), null);
        } else {
            attempt.answer(Outcome.CONNECTION_LOST, -1, "no PUBACK in " + result);
        }
    }

    static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof Mqtt5DisconnectException disconnect) {
            return "DISCONNECT " + disconnect.getMqttMessage().getReasonCode();
        }
        return cause.getClass().getSimpleName();
    }
}

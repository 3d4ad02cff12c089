package dev.midge.cli.soak;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import dev.midge.cli.soak.SoakPki.DeviceCredentials;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The subscribers that count what is delivered: one MQTT 5 and one MQTT 3.1.1 client, both on
 * mutual TLS as CN {@value #COMMON_NAME} (the ACL lets it read {@code soak/#}), connected for the
 * whole run. Every acknowledged publish must reach both.
 */
final class SoakReaders implements AutoCloseable {

    static final String COMMON_NAME = "soak-reader";
    static final String[] NAMES = {"reader-mqtt5", "reader-mqtt311"};

    private final Mqtt5AsyncClient mqtt5;
    private final Mqtt3AsyncClient mqtt311;

    private SoakReaders(Mqtt5AsyncClient mqtt5, Mqtt3AsyncClient mqtt311) {
        this.mqtt5 = mqtt5;
        this.mqtt311 = mqtt311;
    }

    /** Connects and subscribes both; returns once both SUBACKs are in. */
    static SoakReaders subscribe(SoakRun run, DeviceCredentials certificate) throws Exception {
        Mqtt5AsyncClient mqtt5 = run.mqtt5(NAMES[0], certificate.keyManagers())
                .addDisconnectedListener(context -> unexpected(run, NAMES[0], context.getCause())).buildAsync();
        Mqtt3AsyncClient mqtt311 = run.mqtt3(NAMES[1], certificate.keyManagers())
                .addDisconnectedListener(context -> unexpected(run, NAMES[1], context.getCause())).buildAsync();
        mqtt5.connectWith().cleanStart(true).sessionExpiryInterval(0).send().get(30, TimeUnit.SECONDS);
        mqtt311.connectWith().cleanSession(true).send().get(30, TimeUnit.SECONDS);
        mqtt5.subscribeWith().topicFilter("soak/#").qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> run.ledger.delivered(0, new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
                .send().get(30, TimeUnit.SECONDS);
        mqtt311.subscribeWith().topicFilter("soak/#").qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> run.ledger.delivered(1, new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
                .send().get(30, TimeUnit.SECONDS);
        return new SoakReaders(mqtt5, mqtt311);
    }

    private static void unexpected(SoakRun run, String reader, Throwable cause) {
        if (!run.readersClosing) {
            run.violations.add("a reader lost its connection", reader + ": " + SoakDevice.describe(cause));
        }
    }

    @Override
    public void close() throws Exception {
        mqtt5.disconnect().get(30, TimeUnit.SECONDS);
        mqtt311.disconnect().get(30, TimeUnit.SECONDS);
    }
}

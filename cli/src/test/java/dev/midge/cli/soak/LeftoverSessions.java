package dev.midge.cli.soak;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import dev.midge.cli.soak.SoakPki.DeviceCredentials;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks the broker, as a client would, whether it kept a session it should have dropped: every
 * client id of the run connects once more with Clean Start 0, and CONNACK's Session Present must
 * be 0, since each of them only ever connected with Clean Start 1 and Session Expiry 0.
 */
final class LeftoverSessions {

    private static final int AT_ONCE = 16;

    private LeftoverSessions() {
    }

    /** Checks each client id with its certificate; returns how many were checked. */
    static int check(SoakRun run, Map<String, DeviceCredentials> clients) throws Exception {
        List<Map.Entry<String, DeviceCredentials>> all = new ArrayList<>(clients.entrySet());
        for (int from = 0; from < all.size(); from += AT_ONCE) {
            List<CompletableFuture<Void>> batch = new ArrayList<>();
            for (Map.Entry<String, DeviceCredentials> client : all.subList(from, Math.min(all.size(), from + AT_ONCE))) {
                batch.add(probe(run, client.getKey(), client.getValue()));
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        return all.size();
    }

    private static CompletableFuture<Void> probe(SoakRun run, String clientId, DeviceCredentials certificate) {
        return connect(run, clientId, certificate)
                // One retry: a handshake that times out on a loaded machine says nothing about sessions.
                .exceptionallyCompose(firstFailure -> connect(run, clientId, certificate))
                .handle((done, failure) -> {
                    if (failure != null) {
                        run.violations.add("the final session check could not connect",
                                clientId + ": " + SoakDevice.describe(failure));
                    }
                    return null;
                });
    }

    private static CompletableFuture<Void> connect(SoakRun run, String clientId, DeviceCredentials certificate) {
        Mqtt5AsyncClient client = run.mqtt5(clientId, certificate.keyManagers()).buildAsync();
        return client.connectWith().cleanStart(false).sessionExpiryInterval(0).send()
                .thenCompose((Mqtt5ConnAck connAck) -> {
                    if (connAck.isSessionPresent()) {
                        run.violations.add("a session outlived its connection (Session Present on reconnect)", clientId);
                    }
                    return client.disconnect();
                });
    }
}

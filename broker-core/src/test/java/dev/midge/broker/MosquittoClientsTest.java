package dev.midge.broker;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The clients people actually use against mosquitto work against Midge. */
class MosquittoClientsTest extends BrokerTest {

    private Process run(String... command) throws Exception {
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @Test
    void mosquittoSubReceivesWhatMosquittoPubSends() throws Exception {
        start();
        for (String version : List.of("mqttv311", "mqttv5")) {
            String port = String.valueOf(broker.port());
            Process sub = run("mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-V", version, "-i", "sub-" + version,
                    "-t", "cli/" + version + "/#", "-q", "1", "-C", "1", "-W", "10");
            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> broker.connectedClients().stream()
                    .anyMatch(c -> c.clientId().equals("sub-" + version)));
            // The SUBSCRIBE follows CONNECT; retained delivery makes the order irrelevant.
            Process pub = run("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-V", version,
                    "-t", "cli/" + version + "/x", "-m", "hello " + version, "-q", "1", "-r");
            assertTrue(pub.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, pub.exitValue(), new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(sub.waitFor(10, TimeUnit.SECONDS));
            String out = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, sub.exitValue(), out);
            assertEquals("hello " + version, out);
        }
    }
}

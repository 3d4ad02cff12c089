package dev.midge.broker;

import dev.midge.testing.MosquittoClients;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The clients people actually use against mosquitto work against Midge. */
class MosquittoClientsTest extends BrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void mosquittoSubReceivesWhatMosquittoPubSends() throws Exception {
        start();
        for (String version : List.of("mqttv311", "mqttv5")) {
            MosquittoClients.Options options = MosquittoClients.options(broker.port()).add("-V", version);
            try (RunningSubscriber sub = MosquittoClients.subscribe(options.clientId("sub-" + version),
                    "-t", "cli/" + version + "/#", "-q", "1", "-C", "1", "-W", "10")) {
                assertNotNull(sub.awaitSubscribed(WAIT), sub.stderr());
                ProcessResult pub = MosquittoClients.publish(MosquittoClients.options(broker.port()).add("-V", version),
                        "-t", "cli/" + version + "/x", "-m", "hello " + version, "-q", "1", "-r");
                assertEquals(0, pub.exitCode(), pub.toString());
                ProcessResult received = sub.awaitExit(WAIT);
                assertNotNull(received, "mosquitto_sub did not exit after its one message");
                assertEquals(0, received.exitCode(), received.toString());
                assertEquals("hello " + version, received.stdout().trim());
            }
        }
    }
}

package dev.midge.broker;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a connection remembers about its denied publishes is bounded: a client trying ever new
 * topics gets a warning for the first few and one summary, not a line (and a remembered topic)
 * each.
 */
class DeniedPublishLogTest extends BrokerTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.midge.broker.session.Permissions");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(lines);
    }

    private static final class DenyAllPublishes implements Authorizer {
        @Override public boolean canPublish(ClientIdentity client, String topic) { return false; }
        @Override public boolean canSubscribe(ClientIdentity client, String topicFilter) { return true; }
        @Override public boolean canReceive(ClientIdentity client, String topic) { return true; }
    }

    @Test
    void clientCyclingDeniedTopicsLogsAFewLinesAndOneSummary() throws Exception {
        start(b -> b.authorizer(new DenyAllPublishes()));
        Mqtt3BlockingClient mallory = v3("mallory");
        mallory.connect();
        for (int i = 0; i < 300; i++) {
            // QoS 1: send() returns after PUBACK, which the broker writes after deciding (and logging).
            mallory.publishWith().topic("denied/" + i).payload(new byte[]{1}).qos(MqttQos.AT_LEAST_ONCE).send();
            mallory.publishWith().topic("denied/0").payload(new byte[]{1}).qos(MqttQos.AT_LEAST_ONCE).send();
        }

        List<String> denied = lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("Denied PUBLISH")).toList();
        assertEquals(17, denied.size(), String.join("\n", denied));
        assertTrue(denied.get(0).contains("'denied/0'"), denied.get(0));
        assertTrue(denied.get(16).contains("further denied topics are not logged"), denied.get(16));
        assertTrue(mallory.getState().isConnected());
    }
}

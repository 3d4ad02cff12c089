package dev.midge.broker;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import dev.midge.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mosquitto's persistent_client_expiration: sessions that would otherwise never expire (3.1.1
 * clean session 0, v5 Session Expiry 0xFFFFFFFF) end that long after their client left, also
 * those restored from the store.
 */
class PersistentClientExpirationTest extends BrokerTest {

    private static final long NEVER = 0xFFFFFFFFL;

    @TempDir
    Path dir;

    private Mqtt3BlockingClient persistent311(String id) {
        Mqtt3BlockingClient c = v3(id);
        c.connectWith().cleanSession(false).send();
        c.subscribeWith().topicFilter("q").qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnect();
        return c;
    }

    @Test
    void a311PersistentSessionExpiresAfterItsClientLeft() throws Exception {
        start(b -> b.persistentClientExpiration(1));
        try (LogCapture log = LogCapture.of("dev.midge")) {
            Mqtt3BlockingClient c = persistent311("dev311");
            log.awaitOneLine("Expiring client dev311 due to timeout.");
            assertFalse(c.connectWith().cleanSession(false).send().isSessionPresent());
        }
    }

    @Test
    void aV5SessionThatNeverExpiresExpiresToo() throws Exception {
        start(b -> b.persistentClientExpiration(1));
        try (LogCapture log = LogCapture.of("dev.midge")) {
            Mqtt5BlockingClient c = v5("dev5");
            c.connectWith().cleanStart(false).sessionExpiryInterval(NEVER).send();
            c.disconnect();
            log.awaitOneLine("Expiring client dev5 due to timeout.");
            assertFalse(c.connectWith().cleanStart(false).sessionExpiryInterval(NEVER).send().isSessionPresent());
        }
    }

    @Test
    void aStoredSessionOlderThanTheExpirationIsDroppedAtStart() throws Exception {
        start(b -> b.persistence(dir));
        persistent311("stored");
        broker.close();

        // Without the option the session lives on, however long the broker was down.
        start(b -> b.persistence(dir).restoreClock(Clock.offset(Clock.systemUTC(), Duration.ofHours(2))));
        Mqtt3BlockingClient again = v3("stored");
        assertTrue(again.connectWith().cleanSession(false).send().isSessionPresent());
        again.disconnect();
        broker.close();

        start(b -> b.persistence(dir).persistentClientExpiration(3600)
                .restoreClock(Clock.offset(Clock.systemUTC(), Duration.ofHours(2))));
        assertFalse(v3("stored").connectWith().cleanSession(false).send().isSessionPresent());
    }
}

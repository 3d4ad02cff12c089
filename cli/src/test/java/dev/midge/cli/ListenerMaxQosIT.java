package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code max_qos} on one listener, as the mosquitto clients see it; the next listener keeps QoS 2. */
class ListenerMaxQosIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void aListenersMaxQosIsToldEnforcedAndGranted() throws Exception {
        int limited = Ports.freePort();
        int open = Ports.freePort();
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                allow_anonymous true
                listener %d 127.0.0.1
                max_qos 1
                listener %d 127.0.0.1
                """.formatted(limited, open));

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);

            // v5: CONNACK's Maximum QoS 1 makes libmosquitto refuse to send QoS 2 at all.
            ProcessResult v5 = MosquittoClients.publish(MosquittoClients.options(limited).mqtt5().qos(2), "-t", "t", "-m", "x");
            assertTrue(v5.stderr().contains("QoS not supported"), v5::toString);

            // A subscription asking QoS 2 is granted 1.
            try (RunningSubscriber limitedSub = MosquittoClients.subscribe(MosquittoClients.options(limited).mqtt5()
                    .qos(2), "-t", "t", "-v");
                 RunningSubscriber openSub = MosquittoClients.subscribe(MosquittoClients.options(open).qos(2),
                         "-t", "t", "-v")) {
                String granted = limitedSub.awaitSubscribed(WAIT);
                assertTrue(granted != null && granted.endsWith(": 1"), granted + " " + limitedSub.stderr());
                assertTrue(openSub.awaitSubscribed(WAIT).endsWith(": 2"));

                // 3.1.1 cannot be told: a QoS 2 PUBLISH ends its connection, as in mosquitto, and is not routed.
                ProcessResult v3 = MosquittoClients.publish(MosquittoClients.options(limited).qos(2), "-t", "t",
                        "-m", "over");
                assertNotEquals(0, v3.exitCode(), v3::toString);
                broker.awaitLine("disconnected .*QoS 2 PUBLISH over this listener's max_qos 1", WAIT);
                assertEquals(0, MosquittoClients.publish(MosquittoClients.options(limited).qos(1), "-t", "t",
                        "-m", "marker").exitCode());
                assertEquals("t marker", openSub.awaitLine(WAIT));
                assertEquals("t marker", limitedSub.awaitLine(WAIT));

                // The other listener keeps QoS 2.
                assertEquals(0, MosquittoClients.publish(MosquittoClients.options(open).mqtt5().qos(2), "-t", "t",
                        "-m", "two").exitCode());
                assertEquals("t two", openSub.awaitLine(WAIT));
            }
        }
    }
}

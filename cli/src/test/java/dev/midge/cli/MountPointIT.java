package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mount_point on one listener, as the mosquitto clients see it; the ACL names the mounted topics. */
class MountPointIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void aMountedListenersClientsLiveBelowTheMountPoint() throws Exception {
        int mounted = Ports.freePort();
        int plain = Ports.freePort();
        Path acl = Files.writeString(work.resolve("acl"), "topic readwrite tenant1/#\n");
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                allow_anonymous true
                acl_file %s
                listener %d 127.0.0.1
                mount_point tenant1/
                listener %d 127.0.0.1
                """.formatted(acl, mounted, plain));

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            try (RunningSubscriber inside = MosquittoClients.subscribe(MosquittoClients.options(mounted).qos(1),
                    "-t", "sensors/#", "-v");
                 RunningSubscriber outside = MosquittoClients.subscribe(MosquittoClients.options(plain).qos(1),
                         "-t", "tenant1/#", "-v")) {
                // The ACL allows only tenant1/#: the mounted client's sensors/# is tenant1/sensors/#.
                String granted = inside.awaitSubscribed(WAIT);
                assertTrue(granted != null && granted.endsWith(": 1"), granted + " " + inside.stderr());
                assertTrue(outside.awaitSubscribed(WAIT).endsWith(": 1"));

                assertEquals(0, MosquittoClients.publish(MosquittoClients.options(mounted).qos(1), "-t", "sensors/t",
                        "-m", "from-inside").exitCode());
                assertEquals("tenant1/sensors/t from-inside", outside.awaitLine(WAIT));
                assertEquals("sensors/t from-inside", inside.awaitLine(WAIT));

                assertEquals(0, MosquittoClients.publish(MosquittoClients.options(plain).qos(1), "-t",
                        "tenant1/sensors/u", "-m", "from-outside").exitCode());
                assertEquals("sensors/u from-outside", inside.awaitLine(WAIT));
            }
        }
    }
}

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
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * mosquitto's default {@code check_retain_source true} through broker.jar: after the ACL is changed (reloaded
 * live) so that a retained message's publisher may no longer write its topic, a new subscriber does not get it.
 */
class CheckRetainSourceIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ACL = "user dev1\ntopic write sensors/dev1/attrs\nuser agent\ntopic read #\n"
            + "topic write sensors/+/ping\n";

    @TempDir
    Path work;

    @Test
    void aRetainedMessageFromAPublisherTheAclNoLongerAllowsIsNotSent() throws Exception {
        int port = Ports.freePort();
        Path passwords = work.resolve("passwd");
        assertEquals(0, MosquittoClients.passwd("-c", "-b", passwords.toString(), "dev1", "dev1pw").exitCode());
        assertEquals(0, MosquittoClients.passwd("-b", passwords.toString(), "agent", "agentpw").exitCode());
        Path acl = Files.writeString(work.resolve("access.acl"), ACL);
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                listener %d 127.0.0.1
                acl_file %s
                password_file %s
                """.formatted(port, acl, passwords));

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            ProcessResult retained = MosquittoClients.publish(MosquittoClients.options(port).user("dev1", "dev1pw")
                    .qos(1), "-r", "-t", "sensors/dev1/attrs", "-m", "v1");
            assertEquals(0, retained.exitCode(), retained.toString());

            Path next = Files.writeString(work.resolve("access.next"), ACL.replace("topic write sensors/dev1/attrs\n", ""));
            Files.move(next, acl, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            broker.awaitLine("Reloaded ACL from .*access.acl", WAIT);

            try (RunningSubscriber agent = MosquittoClients.subscribe(MosquittoClients.options(port)
                    .user("agent", "agentpw").qos(1), "-t", "sensors/dev1/attrs", "-t", "sensors/dev1/ping", "-v")) {
                assertNotNull(agent.awaitSubscribed(WAIT), agent.stderr());
                assertEquals(0, MosquittoClients.publish(MosquittoClients.options(port).user("agent", "agentpw")
                        .qos(1), "-t", "sensors/dev1/ping", "-m", "marker").exitCode());
                assertEquals("sensors/dev1/ping marker", agent.awaitLine(WAIT));
            }
        }
    }
}

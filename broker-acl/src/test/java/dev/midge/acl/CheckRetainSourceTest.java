package dev.midge.acl;

import dev.midge.acl.password.PasswordFileAuthenticator;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.Deadlines;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.MosquittoClients.Options;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * mosquitto's {@code check_retain_source}: a retained message reaches a new subscriber only while the
 * client that published it may still publish to its topic, under the ACL as reloaded since.
 */
class CheckRetainSourceTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String ACL = """
            user dev1
            topic write sensors/dev1/attrs
            user agent
            topic read #
            topic write sensors/+/ping
            """;

    @TempDir
    Path dir;
    private Path aclFile;
    private FileWatcher watcher;
    private AclAuthorizer authorizer;
    private PasswordFileAuthenticator authenticator;
    private EmbeddedBroker broker;

    @BeforeEach
    void files() throws Exception {
        Path passwords = dir.resolve("passwd");
        assertEquals(0, MosquittoClients.passwd("-c", "-b", passwords.toString(), "dev1", "dev1pw").exitCode());
        assertEquals(0, MosquittoClients.passwd("-b", passwords.toString(), "agent", "agentpw").exitCode());
        aclFile = Files.writeString(dir.resolve("acl"), ACL);
        watcher = FileWatcher.start();
        authorizer = AclAuthorizer.fromFile(aclFile, watcher);
        authenticator = PasswordFileAuthenticator.fromFile(passwords, false, watcher);
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
        watcher.close();
    }

    @Test
    void aRetainedMessageWhosePublisherLostWriteAccessIsNotSentToANewSubscriber() throws Exception {
        broker = EmbeddedBroker.start(b -> b.authenticator(authenticator).authorizer(authorizer));
        publishRetainedThenRevokeDev1();

        try (RunningSubscriber agent = subscribeToAttrsAndPing()) {
            publish(as("agent", "agentpw"), "sensors/dev1/ping", "marker");
            assertEquals("sensors/dev1/ping marker", agent.awaitLine(WAIT));
        }

        // Kept, as in mosquitto: with the right given back, it goes out again.
        replaceAcl(ACL);
        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL)
                .until(() -> authorizer.canPublish(dev1(), "sensors/dev1/attrs"));
        try (RunningSubscriber agent = subscribeToAttrsAndPing()) {
            assertEquals("sensors/dev1/attrs v1", agent.awaitLine(WAIT));
        }
    }

    @Test
    void withCheckRetainSourceFalseTheRetainedMessageIsSentAnyway() throws Exception {
        broker = EmbeddedBroker.start(b -> b.authenticator(authenticator).authorizer(authorizer)
                .checkRetainSource(false));
        publishRetainedThenRevokeDev1();

        try (RunningSubscriber agent = subscribeToAttrsAndPing()) {
            publish(as("agent", "agentpw"), "sensors/dev1/ping", "marker");
            assertEquals("sensors/dev1/attrs v1", agent.awaitLine(WAIT));
            assertEquals("sensors/dev1/ping marker", agent.awaitLine(WAIT));
        }
    }

    private void publishRetainedThenRevokeDev1() throws Exception {
        publish(as("dev1", "dev1pw").clientId("dev1-publisher"), "sensors/dev1/attrs", "v1", "-r");
        replaceAcl(ACL.replace("topic write sensors/dev1/attrs\n", ""));
        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL)
                .until(() -> !authorizer.canPublish(dev1(), "sensors/dev1/attrs"));
    }

    private void replaceAcl(String text) throws Exception {
        Path next = Files.writeString(dir.resolve("acl.next"), text);
        Files.move(next, aclFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private ClientIdentity dev1() {
        return new ClientIdentity("dev1-publisher", "dev1", null, broker.port(), null);
    }

    /** After its SUBACK, retained messages come before anything published later: the marker proves absence. */
    private RunningSubscriber subscribeToAttrsAndPing() throws InterruptedException {
        RunningSubscriber subscriber = MosquittoClients.subscribe(as("agent", "agentpw"),
                "-t", "sensors/dev1/attrs", "-t", "sensors/dev1/ping", "-v", "-q", "1");
        assertNotNull(subscriber.awaitSubscribed(WAIT), "no SUBACK: " + subscriber.stderr());
        return subscriber;
    }

    private Options as(String username, String password) {
        return MosquittoClients.options(broker.port()).user(username, password);
    }

    private static void publish(Options options, String topic, String payload, String... more) {
        String[] args = new String[6 + more.length];
        System.arraycopy(new String[] {"-t", topic, "-m", payload, "-q", "1"}, 0, args, 0, 6);
        System.arraycopy(more, 0, args, 6, more.length);
        ProcessResult result = MosquittoClients.publish(options, args);
        assertEquals(0, result.exitCode(), result.toString());
    }
}

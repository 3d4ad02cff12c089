package dev.midge.acl;

import dev.midge.acl.password.PasswordFileAuthenticator;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.testing.Deadlines;
import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.MosquittoClients.Options;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ACL and password file enforced by a real broker against the real mosquitto_pub and
 * mosquitto_sub over plain TCP. "Not delivered" is shown without sleeping: after the message
 * that must not arrive, a marker that must arrive is published, and the subscriber's next line
 * has to be the marker.
 */
class AclEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String DEVICE_ACL = String.join("\n",
            "# devices write their attributes and read their configuration",
            "user dev1",
            "topic write /t1/dev1/attrs",
            "topic read /t1/dev1/config",
            "topic read /t1/dev1/ping",
            "user dev2",
            "topic write /t1/dev2/attrs",
            "topic read /t1/dev2/config",
            "user iotagent",
            "topic read /#",
            "topic write /+/+/config",
            "topic write /+/+/ping",
            "user auditor",
            "topic read /t1/#",
            "topic deny /t1/dev2/#",
            "");

    @TempDir
    Path dir;
    private Path aclFile;
    private FileWatcher watcher;
    private AclAuthorizer authorizer;
    private EmbeddedBroker broker;

    @BeforeEach
    void startBroker() throws Exception {
        Path passwords = dir.resolve("passwd");
        passwd("-c", passwords, "dev1", "dev1pw");
        passwd(null, passwords, "dev2", "dev2pw");
        passwd(null, passwords, "iotagent", "agentpw");
        passwd(null, passwords, "auditor", "auditpw");
        aclFile = Files.writeString(dir.resolve("acl"), DEVICE_ACL);
        watcher = FileWatcher.start();
        authorizer = AclAuthorizer.fromFile(aclFile, watcher);
        PasswordFileAuthenticator authenticator = PasswordFileAuthenticator.fromFile(passwords, false, watcher);
        broker = EmbeddedBroker.start(b -> b.authenticator(authenticator).authorizer(authorizer));
    }

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
        watcher.close();
    }

    @Test
    void aDeniedPublishIsNotDelivered() throws Exception {
        try (RunningSubscriber agent = subscribe(as("iotagent", "agentpw"), "/#")) {
            publish(as("dev1", "dev1pw"), "/t1/dev2/attrs", "forged");
            publish(as("dev1", "dev1pw"), "/t1/dev1/attrs", "genuine");

            assertEquals("/t1/dev1/attrs genuine", agent.awaitLine(WAIT));
        }
    }

    @Test
    void aWildcardSubscriberDoesNotReceiveTopicsItMayNotRead() throws Exception {
        try (RunningSubscriber auditor = subscribe(as("auditor", "auditpw"), "/t1/#")) {
            publish(as("dev2", "dev2pw"), "/t1/dev2/attrs", "hidden");
            publish(as("dev1", "dev1pw"), "/t1/dev1/attrs", "visible");

            assertEquals("/t1/dev1/attrs visible", auditor.awaitLine(WAIT));
        }
    }

    @Test
    void retainedMessagesObeyTheReceiversReadRights() throws Exception {
        publish(as("dev2", "dev2pw"), "/t1/dev2/attrs", "hidden", "-r");
        publish(as("dev1", "dev1pw"), "/t1/dev1/attrs", "visible", "-r");

        try (RunningSubscriber auditor = subscribe(as("auditor", "auditpw"), "/t1/#")) {
            assertEquals("/t1/dev1/attrs visible", auditor.awaitLine(WAIT));
            publish(as("dev1", "dev1pw"), "/t1/dev1/attrs", "marker");
            assertEquals("/t1/dev1/attrs marker", auditor.awaitLine(WAIT));
        }
    }

    @Test
    void aWillOnATopicTheClientMayNotWriteIsNotDelivered() throws Exception {
        try (RunningSubscriber agent = subscribe(as("iotagent", "agentpw"), "/#")) {
            dieWithWill(as("dev1", "dev1pw").clientId("dev1-forged"), "/t1/dev2/attrs", "forged-will");
            dieWithWill(as("dev1", "dev1pw").clientId("dev1-genuine"), "/t1/dev1/attrs", "genuine-will");

            assertEquals("/t1/dev1/attrs genuine-will", agent.awaitLine(WAIT));
        }
    }

    // The broker may refuse the CONNECT (mosquitto does for a forbidden will) or accept it and
    // drop the will; either way the client ends, and a will must only come from the allowed one.
    private static void dieWithWill(Options options, String willTopic, String willPayload) throws InterruptedException {
        options.add("--will-topic", willTopic, "--will-payload", willPayload, "--will-qos", "1");
        try (RunningSubscriber client = MosquittoClients.subscribe(options, "-t", "/t1/dev1/config")) {
            if (client.awaitSubscribed(WAIT) == null) {
                assertNotNull(client.awaitExit(WAIT), "neither subscribed nor refused: " + client.stderr());
            }
            client.kill();
        }
    }

    @Test
    void aSubscriptionOutsideTheAclIsRefused() throws Exception {
        try (RunningSubscriber dev1 = MosquittoClients.subscribe(as("dev1", "dev1pw"), "-t", "/t1/dev2/config", "-v")) {
            String suback = dev1.awaitSubscribed(WAIT);
            assertNotNull(suback, dev1.stderr());
            assertTrue(suback.endsWith(": 128"), suback);
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        ProcessResult result = MosquittoClients.publish(as("dev1", "wrong"), "-t", "/t1/dev1/attrs", "-m", "x");
        assertNotEquals(0, result.exitCode(), result.toString());
    }

    @Test
    void aChangedAclStopsDeliveryToALiveSubscriber() throws Exception {
        Options dev1 = as("dev1", "dev1pw").clientId("dev1-sub");
        Options agent = as("iotagent", "agentpw");
        try (RunningSubscriber device = MosquittoClients.subscribe(dev1, "-t", "/t1/dev1/config", "-t", "/t1/dev1/ping", "-v")) {
            assertNotNull(device.awaitSubscribed(WAIT), device.stderr());
            publish(agent, "/t1/dev1/config", "v1");
            assertEquals("/t1/dev1/config v1", device.awaitLine(WAIT));

            Path next = Files.writeString(dir.resolve("acl.next"), DEVICE_ACL.replace("topic read /t1/dev1/config\n", ""));
            Files.move(next, aclFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            ClientIdentity identity = new ClientIdentity("dev1-sub", "dev1", new InetSocketAddress("127.0.0.1", 1), broker.port(), null);
            await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> !authorizer.canReceive(identity, "/t1/dev1/config"));

            publish(agent, "/t1/dev1/config", "v2");
            publish(agent, "/t1/dev1/ping", "marker");
            assertEquals("/t1/dev1/ping marker", device.awaitLine(WAIT));
        }
    }

    private Options as(String username, String password) {
        return MosquittoClients.options(broker.port()).user(username, password);
    }

    private static RunningSubscriber subscribe(Options options, String filter) throws InterruptedException {
        RunningSubscriber subscriber = MosquittoClients.subscribe(options, "-t", filter, "-v", "-q", "1");
        String suback = subscriber.awaitSubscribed(WAIT);
        assertNotNull(suback, "no SUBACK: " + subscriber.stderr());
        assertTrue(suback.endsWith(": 1"), suback);
        return subscriber;
    }

    // QoS 1: mosquitto_pub exits after the PUBACK, so the broker has handled it before the next one.
    private static void publish(Options options, String topic, String payload, String... more) {
        String[] args = new String[4 + 2 + more.length];
        args[0] = "-t";
        args[1] = topic;
        args[2] = "-m";
        args[3] = payload;
        args[4] = "-q";
        args[5] = "1";
        System.arraycopy(more, 0, args, 6, more.length);
        ProcessResult result = MosquittoClients.publish(options, args);
        assertEquals(0, result.exitCode(), result.toString());
    }

    private static void passwd(String create, Path file, String user, String password) {
        ProcessResult result = create == null
                ? MosquittoClients.passwd("-b", file.toString(), user, password)
                : MosquittoClients.passwd(create, "-b", file.toString(), user, password);
        assertEquals(0, result.exitCode(), result.toString());
    }
}

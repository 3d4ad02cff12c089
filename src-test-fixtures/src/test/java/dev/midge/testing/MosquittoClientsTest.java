package dev.midge.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client wrappers against the real mosquitto broker (the reference our broker is compared
 * with), so a failure in our broker's tests is never the wrappers' fault.
 */
class MosquittoClientsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private Process mosquitto;
    private int port;

    @BeforeEach
    void startMosquitto() throws IOException {
        port = Ports.freePort();
        Path passwords = dir.resolve("passwd");
        assertEquals(0, MosquittoClients.passwd("-c", "-b", passwords.toString(), "alice", "s3cret").exitCode());
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous false",
                "password_file " + passwords,
                // Started as root, mosquitto switches to its own user, which cannot read @TempDir.
                "user " + System.getProperty("user.name"),
                ""));
        mosquitto = new ProcessBuilder(List.of("mosquitto", "-c", conf.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            }
        });
    }

    @AfterEach
    void stopMosquitto() throws InterruptedException {
        mosquitto.destroy();
        mosquitto.waitFor();
    }

    @Test
    void aSubscriberSeesItsSubscriptionAcknowledgedAndThenTheMessage() throws Exception {
        MosquittoClients.Options alice = MosquittoClients.options(port).user("alice", "s3cret");
        try (RunningSubscriber sub = MosquittoClients.subscribe(alice, "-t", "a/#", "-v", "-q", "1")) {
            String suback = sub.awaitSubscribed(WAIT);
            assertNotNull(suback, sub.stderr());
            assertTrue(suback.endsWith(": 1"), suback);

            ProcessResult pub = MosquittoClients.publish(alice, "-t", "a/b", "-m", "hello", "-q", "1");
            assertEquals(0, pub.exitCode(), pub.toString());
            assertEquals("a/b hello", sub.awaitLine(WAIT));
            // One copy only: a marker published after it must be the next line.
            ProcessResult marker = MosquittoClients.publish(alice, "-t", "a/marker", "-m", "next", "-q", "1");
            assertEquals(0, marker.exitCode(), marker.toString());
            assertEquals("a/marker next", sub.awaitLine(WAIT));
        }
    }

    @Test
    void aRefusedClientExitsWithAnErrorOnStderr() throws Exception {
        ProcessResult pub = MosquittoClients.publish(MosquittoClients.options(port).user("alice", "wrong"),
                "-t", "a/b", "-m", "x");
        assertNotEquals(0, pub.exitCode());
        assertTrue(pub.stderr().contains("not authorised"), pub.toString());

        try (RunningSubscriber sub = MosquittoClients.subscribe(MosquittoClients.options(port).user("bob", "x"), "-t", "a")) {
            ProcessResult exit = sub.awaitExit(WAIT);
            assertNotNull(exit, "mosquitto_sub did not give up");
            assertNotEquals(0, exit.exitCode());
            assertTrue(exit.stderr().contains("not authorised"), exit.toString());
        }
    }
}

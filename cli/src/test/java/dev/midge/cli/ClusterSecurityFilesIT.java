package dev.midge.cli;

import dev.midge.testing.Deadlines;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The cluster keeps the password files and CA files of three broker.jar nodes in step, each
 * listener's with the same listener's on the other nodes ({@code per_listener_settings true}).
 * Every node has, besides the fixture's mutual-TLS listener, the same three listeners on the same
 * ports (each node on its own loopback address, 127.0.0.N): two with password files of their own
 * ({@code pw-a-N}, {@code pw-b-N}) and a mutual-TLS one with a CA file of its own ({@code ca-N.pem},
 * shared with {@code midge_cluster_share_cafile true}). Node 2 also has a listener the others lack.
 * Files are changed on one node with the real {@code mosquitto_passwd}; clients connect to another
 * with the real {@code mosquitto_pub}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterSecurityFilesIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path work;

    private ThreeNodeCluster cluster;
    private final int passwordsA = Ports.freePort();
    private final int passwordsB = Ports.freePort();
    private final int ownCa = Ports.freePort();
    private final int onlyOnNode2 = Ports.freePort();

    @BeforeAll
    void startThreeNodes() throws Exception {
        cluster = ThreeNodeCluster.start(work, List.of(), true, WAIT, new ThreeNodeCluster.ConfAdditions() {
            @Override
            public String first(ThreeNodeCluster cluster, int node) {
                return "per_listener_settings true\nmidge_cluster_share_cafile true\n";
            }

            @Override
            public String last(ThreeNodeCluster cluster, int node) throws Exception {
                return listeners(cluster, node);
            }
        });
    }

    private String listeners(ThreeNodeCluster cluster, int node) throws Exception {
        int n = node + 1;
        passwd("-c", "-b", file("pw-a-" + n), "bob", "bob-pass");
        passwd("-c", "-b", file("pw-b-" + n), "carol", "carol-pass");
        Files.copy(cluster.data.caChain(), work.resolve("ca-" + n + ".pem"));
        String host = host(node);
        String conf = """
                listener %d %s
                password_file %s
                listener %d %s
                password_file %s
                listener %d %s
                cafile %s
                certfile %s
                keyfile %s
                require_certificate true
                use_identity_as_username true
                """.formatted(passwordsA, host, file("pw-a-" + n), passwordsB, host, file("pw-b-" + n),
                ownCa, host, file("ca-" + n + ".pem"), cluster.data.serverCertificate(), cluster.data.serverKey());
        if (node == 1) {
            passwd("-c", "-b", file("pw-x-2"), "xavier", "xavier-pass");
            conf += "listener %d %s\npassword_file %s\n".formatted(onlyOnNode2, host, file("pw-x-2"));
        }
        return conf;
    }

    @AfterAll
    void stopNodes() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aUserAddedOnNode1ConnectsOnNode3() {
        assertNotEquals(0, connect(2, passwordsA, "alice", "alice-pass").exitCode(), "alice is not a user yet");

        passwd("-b", file("pw-a-1"), "alice", "alice-pass");

        awaitResult(() -> connect(2, passwordsA, "alice", "alice-pass"), r -> r.exitCode() == 0,
                "alice connects on node 3");
    }

    @Test
    void aUserRemovedOnNode1IsRefusedOnNode3() {
        assertEquals(0, connect(2, passwordsA, "bob", "bob-pass").exitCode(), "bob is a user on every node");

        passwd("-D", file("pw-a-1"), "bob");

        awaitResult(() -> connect(2, passwordsA, "bob", "bob-pass"), r -> r.exitCode() != 0,
                "bob is refused on node 3");
        assertNotEquals(0, connect(1, passwordsA, "bob", "bob-pass").exitCode(), "and on node 2");
    }

    @Test
    void eachListenersPasswordFileStaysItsOwn() throws Exception {
        passwd("-b", file("pw-b-2"), "dave", "dave-pass");

        awaitResult(() -> connect(2, passwordsB, "dave", "dave-pass"), r -> r.exitCode() == 0,
                "dave, added to the second listener's file on node 2, connects to that listener on node 3");
        assertNotEquals(0, connect(2, passwordsA, "dave", "dave-pass").exitCode(),
                "dave is no user of the first listener");
        assertEquals(0, connect(2, passwordsB, "carol", "carol-pass").exitCode(), "carol is still one of the second");
        assertFalse(Files.readString(file("pw-a-3")).contains("dave"), Files.readString(file("pw-a-3")));
        assertFalse(Files.readString(file("pw-b-3")).contains("bob"), Files.readString(file("pw-b-3")));
    }

    @Test
    void aListenerTheOtherNodesLackIsNamedAndKeptApart() throws Exception {
        cluster.nodes.get(1).awaitLine("Not keeping password_file " + file("pw-x-2") + " of listener " + onlyOnNode2
                + " in step with node node-(1|3): it has no password_file of its own for listener " + onlyOnNode2, WAIT);
        assertEquals(0, connect(1, onlyOnNode2, "xavier", "xavier-pass").exitCode());
    }

    @Test
    void aCaAddedToTheCaFileOnNode2LetsItsDevicesConnectOnNode3() throws Exception {
        TestPki other = TestPki.create(work.resolve("other-ca"));
        IssuedCertificate stranger = other.foreignDevice("stranger");
        assertNotEquals(0, connectWithCertificate(2, stranger).exitCode(), "the other CA is not trusted yet");

        TestPki.writeAtomically(work.resolve("ca-2.pem"), Files.readString(work.resolve("ca-2.pem"))
                + Files.readString(other.foreignCaFile()));

        awaitResult(() -> connectWithCertificate(2, stranger), r -> r.exitCode() == 0,
                "a device of the CA added on node 2 connects on node 3");
        assertEquals(Files.readString(work.resolve("ca-2.pem")), Files.readString(work.resolve("ca-3.pem")));
    }

    private ProcessResult connect(int node, int port, String user, String password) {
        return MosquittoClients.run(List.of("mosquitto_pub", "-h", host(node), "-p", Integer.toString(port),
                "-u", user, "-P", password, "-t", "fleet/probe", "-m", "x", "-q", "1"), MosquittoClients.TIMEOUT);
    }

    /** {@code --insecure}: the listener's certificate names 127.0.0.1, not the node's own loopback address. */
    private ProcessResult connectWithCertificate(int node, IssuedCertificate device) {
        return MosquittoClients.run(List.of("mosquitto_pub", "-h", host(node), "-p", Integer.toString(ownCa),
                "--cafile", cluster.data.caChain().toString(), "--cert", device.certFile().toString(),
                "--key", device.keyFile().toString(), "--insecure", "-t", "fleet/probe", "-m", "x", "-q", "1"),
                MosquittoClients.TIMEOUT);
    }

    /** Tries again (a new client each time) until the result holds or the reload deadline passes. */
    private static ProcessResult awaitResult(Supplier<ProcessResult> attempt, Predicate<ProcessResult> holds,
                                             String what) {
        long deadline = System.nanoTime() + Deadlines.RELOAD.toNanos();
        List<ProcessResult> tries = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            ProcessResult result = attempt.get();
            if (holds.test(result)) {
                return result;
            }
            tries.add(result);
            try {
                Thread.sleep(Deadlines.POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(what + ": not within " + Deadlines.RELOAD + "; last attempt: "
                + tries.get(tries.size() - 1));
    }

    private static String host(int node) {
        return "127.0.0." + (node + 1);
    }

    private static Path file(String name) {
        return work.resolve(name);
    }

    private static void passwd(Object... args) {
        String[] text = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            text[i] = args[i].toString();
        }
        ProcessResult result = MosquittoClients.passwd(text);
        assertEquals(0, result.exitCode(), result.toString());
    }
}

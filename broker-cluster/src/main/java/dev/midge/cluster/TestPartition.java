package dev.midge.cluster;

import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TCP;
import org.jgroups.stack.ProtocolStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A partition made by a test, for nodes that are separate JVMs: with the environment variable
 * {@value #ENV} naming a file, the node's channel gets JGroups' DISCARD protocol above TCP and
 * ignores every node whose name is a line of that file (re-read every 100 ms), so a test splits
 * and heals a real cluster by writing files. Without the variable (production) nothing of it is
 * loaded: no protocol, no thread, nothing that listens. Setting it needs the power to start the
 * broker's JVM, which is already all power over the node.
 */
final class TestPartition {

    static final String ENV = "MIDGE_CLUSTER_TEST_PARTITION_FILE";
    private static final Logger LOG = LoggerFactory.getLogger(TestPartition.class);
    private static final long TEST_SUSPECT_AFTER_MILLIS = 4_000;

    private TestPartition() {
    }

    /**
     * How long a silent node goes unsuspected: {@code normal}, or 4 s on a node with the test hook
     * on, so the tests that split a cluster or kill a node wait for fewer heartbeats (FD_ALL3
     * sends one every fifth of it). The partition logic is the same, only sooner.
     */
    static long suspectAfterMillis(long normal) {
        String file = System.getenv(ENV);
        return file == null || file.isBlank() ? normal : TEST_SUSPECT_AFTER_MILLIS;
    }

    static void attachIfAsked(JChannel channel) throws Exception {
        String file = System.getenv(ENV);
        if (file == null || file.isBlank()) {
            return;
        }
        DISCARD discard = new DISCARD();
        channel.getProtocolStack().insertProtocol(discard, ProtocolStack.Position.ABOVE, TCP.class);
        LOG.warn("Test partition hook on ({}={}): this node ignores the nodes that file names, and suspects a silent"
                + " node after {} ms.", ENV, file, TEST_SUSPECT_AFTER_MILLIS);
        Thread poller = new Thread(() -> follow(channel, discard, Path.of(file)), "midge-test-partition");
        poller.setDaemon(true);
        poller.start();
    }

    private static void follow(JChannel channel, DISCARD discard, Path file) {
        Map<String, Address> known = new HashMap<>();
        Set<Address> ignored = new HashSet<>();
        while (!Thread.currentThread().isInterrupted() && !channel.isClosed()) {
            if (channel.getView() != null) {
                channel.getView().getMembers().forEach(a -> known.put(NodeNames.of(a), a));
            }
            Set<String> wanted = new HashSet<>();
            try {
                if (Files.exists(file)) {
                    Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(wanted::add);
                }
            } catch (IOException e) {
                LOG.warn("Cannot read {}: {}", file, e.toString());
            }
            Set<Address> addresses = new HashSet<>();
            wanted.stream().map(known::get).filter(a -> a != null).forEach(addresses::add);
            if (!addresses.equals(ignored)) {
                discard.resetIgnoredMembers();
                addresses.forEach(discard::addIgnoreMember);
                ignored = addresses;
                LOG.warn("Test partition: ignoring {}.", wanted);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100); // polls a file a test writes; nothing to wait on
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}

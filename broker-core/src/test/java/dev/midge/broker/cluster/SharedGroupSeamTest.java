package dev.midge.broker.cluster;

import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The engine's side of shared groups on a cluster node, with a real broker and an in-process link
 * in place of Infinispan: a local publish reaches only the groups the link assigns to this node,
 * and another node's message reaches only the groups it names (and normal subscribers only when
 * it is for them).
 */
class SharedGroupSeamTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String G = "$share/g/fleet/#";
    private static final String H = "$share/h/fleet/#";

    /** Records what the engine hands it; assigns shared groups as the test says. */
    static final class AssigningLink implements ClusterLink {
        final AtomicReference<ClusterInbox> inbox = new AtomicReference<>();
        final List<String> published = Collections.synchronizedList(new ArrayList<>());
        volatile ShareAssignment assignment;

        @Override
        public void start(ClusterInbox in) {
            inbox.set(in);
        }

        @Override
        public ShareAssignment assignShares(String topic) {
            return assignment;
        }

        @Override
        public void published(ClusterMessage message) {
            published.add(message.topic() + " without assignment");
        }

        @Override
        public void published(ClusterMessage message, ShareAssignment shares) {
            published.add(message.topic() + " g here: " + shares.deliversHere(G));
        }

        @Override
        public void filterAdded(String filter) {
        }

        @Override
        public void filterRemoved(String filter) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void anotherNodesMessageReachesOnlyTheGroupsItNamesAndNormalSubscribersOnlyWhenForThem() throws Exception {
        AssigningLink link = new AssigningLink();
        try (EmbeddedBroker broker = EmbeddedBroker.start(o -> o.cluster(link));
             RunningSubscriber normal = subscribe(broker, "fleet/#");
             RunningSubscriber inG = subscribe(broker, G);
             RunningSubscriber inH = subscribe(broker, H)) {
            ClusterInbox inbox = link.inbox.get();

            assertEquals(Set.of(), inbox.deliver(message("for-g"), false, Set.of(G)));
            assertEquals(Set.of(), inbox.deliver(message("for-normal"), true, Set.of()));
            assertEquals(Set.of(), inbox.deliver(message("for-h"), false, Set.of(H)));
            assertEquals(Set.of(), inbox.deliver(message("for-g-again"), false, Set.of(G)));

            assertEquals("fleet/t1 for-g", inG.awaitLine(WAIT));
            assertEquals("fleet/t1 for-g-again", inG.awaitLine(WAIT), "neither the normal nor h's copy");
            assertEquals("fleet/t1 for-h", inH.awaitLine(WAIT), "neither g's nor the normal copy");
            assertEquals("fleet/t1 for-normal", normal.awaitLine(WAIT), "no group's copy");
            assertEquals(Set.of("$share/gone/fleet/#"),
                    inbox.deliver(message("for-gone"), false, Set.of(G, "$share/gone/fleet/#")),
                    "a group without a member here goes back to the link to be sent elsewhere");
        }
    }

    @Test
    void aLocalPublishSkipsTheGroupsAssignedToAnotherNode() throws Exception {
        AssigningLink link = new AssigningLink();
        try (EmbeddedBroker broker = EmbeddedBroker.start(o -> o.cluster(link));
             RunningSubscriber normal = subscribe(broker, "fleet/#");
             RunningSubscriber inG = subscribe(broker, G)) {
            link.assignment = group -> !group.equals(G); // g's turn is another node's
            assertEquals(0, MosquittoClients.publish(MosquittoClients.options(broker.port()),
                    "-t", "fleet/t1", "-m", "elsewhere", "-q", "1").exitCode());
            link.assignment = null; // no group known to the cluster: this node's own
            assertEquals(0, MosquittoClients.publish(MosquittoClients.options(broker.port()),
                    "-t", "fleet/t1", "-m", "here", "-q", "1").exitCode());

            assertEquals("fleet/t1 here", inG.awaitLine(WAIT), "g's member got only its turn");
            assertEquals("fleet/t1 elsewhere", normal.awaitLine(WAIT));
            assertEquals("fleet/t1 here", normal.awaitLine(WAIT));
            assertEquals(List.of("fleet/t1 g here: false", "fleet/t1 without assignment"), link.published);
        }
    }

    private static ClusterMessage message(String payload) {
        return new ClusterMessage("fleet/t1", payload.getBytes(StandardCharsets.UTF_8), 1, false, null, null, null,
                null, List.of(), -1, null);
    }

    private static RunningSubscriber subscribe(EmbeddedBroker broker, String filter) throws InterruptedException {
        RunningSubscriber s = MosquittoClients.subscribe(MosquittoClients.options(broker.port()),
                "-t", filter, "-v", "-q", "1");
        assertNotNull(s.awaitSubscribed(WAIT), () -> "no SUBACK: " + s);
        return s;
    }
}

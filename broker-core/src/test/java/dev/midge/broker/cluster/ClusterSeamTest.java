package dev.midge.broker.cluster;

import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The engine's side of the cluster seam, with two real brokers joined by an in-process link in
 * place of Infinispan: what a node tells its link (filters, local publishes) and what it does
 * with another node's messages (delivers them locally, never sends them on).
 */
class ClusterSeamTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Passes each message straight to the other broker's inbox, and records what it was told. */
    static final class LoopbackLink implements ClusterLink {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<ClusterInbox> inbox = new AtomicReference<>();
        volatile LoopbackLink peer;

        @Override
        public void start(ClusterInbox in) {
            inbox.set(in);
        }

        @Override
        public void published(ClusterMessage message) {
            events.add("published " + message.topic());
            if (peer != null) {
                peer.inbox.get().deliver(message);
                if (message.retain()) {
                    peer.inbox.get().retain(message);
                }
            }
        }

        @Override
        public void filterAdded(String filter) {
            events.add("added " + filter);
        }

        @Override
        public void filterRemoved(String filter) {
            events.add("removed " + filter);
        }

        @Override
        public void close() {
            events.add("closed");
        }
    }

    @Test
    void aMessageFromAnotherNodeReachesLocalSubscribersAndIsNotSentOnAgain() throws Exception {
        LoopbackLink linkA = new LoopbackLink();
        LoopbackLink linkB = new LoopbackLink();
        linkA.peer = linkB;
        linkB.peer = linkA;
        try (EmbeddedBroker a = EmbeddedBroker.start(o -> o.cluster(linkA));
             EmbeddedBroker b = EmbeddedBroker.start(o -> o.cluster(linkB));
             RunningSubscriber onB = MosquittoClients.subscribe(MosquittoClients.options(b.port()),
                     "-t", "fleet/+/temp", "-v", "-q", "1")) {
            assertNotNull(onB.awaitSubscribed(WAIT));
            assertEquals(List.of("added fleet/+/temp"), linkB.events);

            assertEquals(0, MosquittoClients.publish(MosquittoClients.options(a.port()),
                    "-t", "fleet/d1/temp", "-m", "21.5", "-q", "1").exitCode());

            assertEquals("fleet/d1/temp 21.5", onB.awaitLine(WAIT));
            assertEquals(List.of("published fleet/d1/temp"), linkA.events);
            assertEquals(List.of("added fleet/+/temp"), linkB.events, "B did not send A's message back");
        }
    }

    @Test
    void theLinkHearsOfAFiltersFirstAndLastSubscriberOnly() throws Exception {
        LoopbackLink link = new LoopbackLink();
        try (EmbeddedBroker broker = EmbeddedBroker.start(o -> o.cluster(link))) {
            RunningSubscriber first = MosquittoClients.subscribe(MosquittoClients.options(broker.port()), "-t", "a/#");
            assertNotNull(first.awaitSubscribed(WAIT));
            try (RunningSubscriber second = MosquittoClients.subscribe(MosquittoClients.options(broker.port()),
                    "-t", "a/#")) {
                assertNotNull(second.awaitSubscribed(WAIT));
            }
            first.close();
            await().atMost(WAIT).until(() -> link.events.contains("removed a/#"));
            assertEquals(List.of("added a/#", "removed a/#"), link.events);
        }
        assertEquals("closed", link.events.get(link.events.size() - 1));
    }

    @Test
    void aRetainedMessageFromAnotherNodeIsServedToLaterSubscribers() throws Exception {
        LoopbackLink linkA = new LoopbackLink();
        LoopbackLink linkB = new LoopbackLink();
        linkA.peer = linkB;
        linkB.peer = linkA;
        try (EmbeddedBroker a = EmbeddedBroker.start(o -> o.cluster(linkA));
             EmbeddedBroker b = EmbeddedBroker.start(o -> o.cluster(linkB))) {
            assertEquals(0, MosquittoClients.publish(MosquittoClients.options(a.port()),
                    "-t", "fleet/d1/config", "-m", "interval=30", "-r", "-q", "1").exitCode());

            var read = MosquittoClients.run(List.of("mosquitto_sub", "-h", "127.0.0.1", "-p",
                    Integer.toString(b.port()), "-t", "fleet/#", "-v", "-C", "1", "-W", "10"), WAIT);
            assertEquals("fleet/d1/config interval=30", read.stdout().strip());
        }
    }
}

package dev.midge.broker.session;

import dev.midge.broker.message.Message;
import dev.midge.broker.security.Authorizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A persistent session's journal always holds exactly what it owes, and restoring from it resumes the flows. */
class SessionJournalTest {

    private record Owed(int packetId, boolean released, String payload) {
    }

    /** An in-memory journal: sequence → what is owed. */
    private static final class Recording implements SessionJournal {
        final TreeMap<Long, Owed> owed = new TreeMap<>();
        final Map<Long, Delivery> deliveries = new TreeMap<>();

        @Override
        public void owed(String clientId, long sequence, int packetId, boolean released, Delivery d) {
            owed.put(sequence, new Owed(packetId, released, new String(d.message().payload())));
            deliveries.put(sequence, d);
        }

        @Override
        public void settled(String clientId, long sequence) {
            owed.remove(sequence);
            deliveries.remove(sequence);
        }

        final java.util.Set<Integer> inbound = new java.util.TreeSet<>();

        @Override
        public void qos2Received(String clientId, int packetId) {
            inbound.add(packetId);
        }

        @Override
        public void qos2Released(String clientId, int packetId) {
            inbound.remove(packetId);
        }
    }

    private final List<Outbound> sent = new ArrayList<>();
    private final DeliverySink connection = sent::addAll;

    private static Delivery delivery(int qos, String payload) {
        return new Delivery(Message.of("t", payload.getBytes(), qos, false), qos, false, List.of());
    }

    @Test
    void journalFollowsQueueInflightAcknowledgementsAndDrops() {
        Recording journal = new Recording();
        Session s = SessionTest.owned("c", 20, 2, 0);
        s.journal(journal);
        s.offer(delivery(1, "dropped")).send();
        s.offer(delivery(2, "q1")).send();
        s.offer(delivery(1, "q2")).send(); // queue limit 2: "dropped" goes
        assertEquals(List.of(new Owed(0, false, "q1"), new Owed(0, false, "q2")), List.copyOf(journal.owed.values()));

        s.attach(connection, new Permissions(SessionTest.OWNER, Authorizer.allowAll()), false, 1, Long.MAX_VALUE).send();
        int q1 = ((Outbound.Publish) sent.get(0)).packetId();
        assertEquals(new Owed(q1, false, "q1"), journal.owed.firstEntry().getValue());
        s.onPubRec(q1, true).send();
        assertEquals(new Owed(q1, true, "q1"), journal.owed.firstEntry().getValue());
        s.onPubComp(q1).send();
        int q2 = ((Outbound.Publish) sent.get(2)).packetId();
        assertEquals(List.of(new Owed(q2, false, "q2")), List.copyOf(journal.owed.values()));
        s.onPubAck(q2).send();
        assertTrue(journal.owed.isEmpty());
    }

    @Test
    void inboundQos2IdsAreJournaledUntilPubrelAndRestoredAsDuplicates() {
        Recording journal = new Recording();
        Session s = SessionTest.owned("c", 20, 100, 0);
        s.journal(journal);
        assertTrue(s.receiveQos2(7));
        assertFalse(s.receiveQos2(7));
        assertEquals(java.util.Set.of(7), journal.inbound);

        Session restored = SessionTest.owned("c", 20, 100, 0);
        journal.inbound.forEach(restored::restoreInboundQos2);
        restored.journal(journal);
        assertFalse(restored.receiveQos2(7), "a PUBLISH resent after the restart is not routed again");
        assertTrue(restored.releaseQos2(7));
        assertTrue(journal.inbound.isEmpty());
    }

    @Test
    void sessionRestoredFromItsJournalResendsInFlightWithDupThenTheQueue() {
        Recording journal = new Recording();
        Session before = SessionTest.owned("c", 20, 100, 0);
        before.journal(journal);
        before.attach(connection, new Permissions(SessionTest.OWNER, Authorizer.allowAll()), false, 2, Long.MAX_VALUE).send();
        before.offer(delivery(1, "a")).send();
        before.offer(delivery(2, "b")).send();
        before.offer(delivery(1, "c")).send();
        int a = ((Outbound.Publish) sent.get(0)).packetId();
        int b = ((Outbound.Publish) sent.get(1)).packetId();
        before.onPubRec(b, true).send();
        sent.clear();

        Session after = SessionTest.owned("c", 20, 100, 0);
        journal.owed.forEach((seq, o) -> after.restore(seq, o.packetId(), o.released(), journal.deliveries.get(seq)));
        after.journal(journal);
        after.attach(connection, new Permissions(SessionTest.OWNER, Authorizer.allowAll()), false, 10, Long.MAX_VALUE).send();

        Outbound.Publish again = (Outbound.Publish) sent.get(0);
        assertEquals(a, again.packetId());
        assertTrue(again.dup());
        assertEquals(b, assertInstanceOf(Outbound.PubRel.class, sent.get(1)).packetId());
        Outbound.Publish queued = (Outbound.Publish) sent.get(2);
        assertEquals("c", new String(queued.delivery().message().payload()));
        assertFalse(queued.dup());
        assertEquals(3, sent.size());
        assertEquals(3, journal.owed.size());
    }

    /** Reads everything but "secret/…": the rules of whoever attaches next. */
    private static final Authorizer NO_SECRETS = new Authorizer() {
        @Override public boolean canPublish(dev.midge.broker.security.ClientIdentity c, String t) { return true; }
        @Override public boolean canSubscribe(dev.midge.broker.security.ClientIdentity c, String f) { return true; }
        @Override public boolean canReceive(dev.midge.broker.security.ClientIdentity c, String t) { return !t.startsWith("secret/"); }
    };

    private static Delivery on(String topic, String payload) {
        return new Delivery(Message.of(topic, payload.getBytes(), 1, false), 1, false, List.of());
    }

    @Test
    void inFlightAndQueuedMessagesTheAttachingClientMayNotReadAreSettledNotSent() {
        Recording journal = new Recording();
        Session s = SessionTest.owned("c", 20, 100, 0);
        s.journal(journal);
        s.attach(connection, new Permissions(SessionTest.OWNER, Authorizer.allowAll()), false, 1, Long.MAX_VALUE).send();
        s.offer(on("secret/a", "in-flight")).send();
        s.offer(on("secret/b", "queued")).send();
        s.offer(on("open/c", "allowed")).send();
        s.detach(connection);
        sent.clear();

        s.attach(connection, new Permissions(SessionTest.OWNER, NO_SECRETS), false, 1, Long.MAX_VALUE).send();

        assertEquals(1, sent.size(), "only the readable message: " + sent);
        Outbound.Publish p = (Outbound.Publish) sent.get(0);
        assertEquals("allowed", new String(p.delivery().message().payload()));
        assertEquals(List.of(new Owed(p.packetId(), false, "allowed")), List.copyOf(journal.owed.values()),
                "the withheld messages are settled, so they neither block the window nor come back after a restart");
        assertEquals(0, s.queuedCount());
    }
}

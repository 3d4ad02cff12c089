package dev.midge.broker.session;

import dev.midge.broker.message.Message;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionTest {

    static final ClientIdentity OWNER = new ClientIdentity("c", "u", null, 0, null);

    /** A session as the engine hands it out: owned by a client whose rules allow everything. */
    static Session owned(String clientId, int maxInflight, int maxQueuedMessages, long maxQueuedBytes) {
        Session s = new Session(clientId, maxInflight, maxQueuedMessages, maxQueuedBytes);
        s.claim(new Permissions(OWNER, Authorizer.allowAll()));
        return s;
    }

    private final List<Outbound> sent = new ArrayList<>();
    private final DeliverySink connection = sent::addAll;

    private static Delivery delivery(int qos, String payload) {
        return new Delivery(Message.of("t", payload.getBytes(), qos, false), qos, false, List.of());
    }

    private Session attached(int maxInflight, int clientReceiveMaximum) {
        Session s = owned("c", maxInflight, 100, 0);
        s.attach(connection, new Permissions(OWNER, Authorizer.allowAll()), true, clientReceiveMaximum, Long.MAX_VALUE).send();
        return s;
    }

    @Test
    void clientReceiveMaximumLimitsMessagesInFlightAndAcksReleaseTheNext() {
        Session s = attached(20, 2);
        for (int i = 0; i < 4; i++) {
            s.offer(delivery(1, "m" + i)).send();
        }
        assertEquals(2, sent.size());
        assertEquals(2, s.queuedCount());
        s.onPubAck(((Outbound.Publish) sent.get(0)).packetId()).send();
        assertEquals(3, sent.size());
        assertEquals("m2", new String(((Outbound.Publish) sent.get(2)).delivery().message().payload()));
    }

    @Test
    void qos2FlowGoesPubrecPubrelPubcomp() {
        Session s = attached(20, 10);
        s.offer(delivery(2, "x")).send();
        int id = ((Outbound.Publish) sent.get(0)).packetId();
        s.onPubRec(id, true).send();
        assertInstanceOf(Outbound.PubRel.class, sent.get(1));
        s.onPubComp(id).send();
        assertEquals(0, s.inflightCount());
    }

    @Test
    void reattachResendsPublishWithDupAndPubrelInOrder() {
        Session s = attached(20, 10);
        s.offer(delivery(2, "a")).send();
        s.offer(delivery(1, "b")).send();
        int first = ((Outbound.Publish) sent.get(0)).packetId();
        s.onPubRec(first, true).send();
        s.detach(connection);
        sent.clear();
        s.attach(connection, new Permissions(OWNER, Authorizer.allowAll()), true, 10, Long.MAX_VALUE).send();
        assertEquals(new Outbound.PubRel(first), sent.get(0));
        Outbound.Publish again = (Outbound.Publish) sent.get(1);
        assertTrue(again.dup());
    }

    @Test
    void offlineQos0IsDroppedAndOfflineQos1Queued() {
        Session s = owned("c", 20, 100, 0);
        s.offer(delivery(0, "zero")).send();
        s.offer(delivery(1, "one")).send();
        assertEquals(1, s.queuedCount());
    }

    @Test
    void queueByteLimitDropsTheOldest() {
        Session s = owned("c", 20, 0, 10);
        s.offer(delivery(1, "12345")).send();
        s.offer(delivery(1, "67890")).send();
        s.offer(delivery(1, "abcde")).send();
        assertEquals(2, s.queuedCount());
    }

    @Test
    void messageLargerThanClientMaximumPacketSizeIsDroppedForThatClient() {
        Session s = owned("c", 20, 100, 0);
        s.attach(connection, new Permissions(OWNER, Authorizer.allowAll()), true, 10, 20).send();
        s.offer(delivery(1, "this payload is far too long for twenty bytes")).send();
        s.offer(delivery(1, "ok")).send();
        assertEquals(1, sent.size());
        assertEquals(1, s.inflightCount());
    }

    @Test
    void expiredQueuedMessagesAreDroppedOnDelivery() {
        Session s = owned("c", 20, 100, 0);
        Message expired = new Message("t", new byte[]{1}, 1, false, Message.ForwardedProperties.NONE,
                System.nanoTime() - 1, null);
        s.offer(new Delivery(expired, 1, false, List.of())).send();
        s.attach(connection, new Permissions(OWNER, Authorizer.allowAll()), true, 10, Long.MAX_VALUE).send();
        assertEquals(List.of(), sent);
    }

    @Test
    void packetIdsSkipThoseStillInFlight() {
        InflightWindow w = new InflightWindow(3);
        int a = w.add(delivery(1, "a")).packetId;
        int b = w.add(delivery(1, "b")).packetId;
        w.remove(a);
        int c = w.add(delivery(1, "c")).packetId;
        assertTrue(a != b && b != c);
    }

    @Test
    void qos0WaitsWhileTheConnectionCannotTakeMoreAndIsSentInOrderWhenItCan() {
        Session s = owned("c", 20, 2, 0);
        boolean[] writable = {false};
        DeliverySink slow = new DeliverySink() {
            @Override public void send(List<Outbound> packets) { sent.addAll(packets); }
            @Override public long writableBytes() { return writable[0] ? 1 << 16 : 0; }
        };
        s.attach(slow, new Permissions(OWNER, Authorizer.allowAll()), true, 10, Long.MAX_VALUE).send();
        s.offer(delivery(0, "oldest, dropped")).send();
        s.offer(delivery(0, "a")).send();
        s.offer(delivery(0, "b")).send();
        s.offer(delivery(1, "kept")).send();
        assertEquals(1, sent.size());
        assertEquals(2, s.queuedQos0Count());

        writable[0] = true;
        s.onWritable().send();
        assertEquals(List.of("kept", "a", "b"), sent.stream()
                .map(p -> new String(((Outbound.Publish) p).delivery().message().payload())).toList());
        assertEquals(0, s.queuedQos0Count());
    }

    @Test
    void waitingQos0IsForgottenWhenTheClientDisconnects() {
        Session s = owned("c", 20, 100, 0);
        DeliverySink full = new DeliverySink() {
            @Override public void send(List<Outbound> packets) { sent.addAll(packets); }
            @Override public long writableBytes() { return 0; }
        };
        s.attach(full, new Permissions(OWNER, Authorizer.allowAll()), true, 10, Long.MAX_VALUE).send();
        s.offer(delivery(0, "waiting")).send();
        s.detach(full);
        s.attach(connection, new Permissions(OWNER, Authorizer.allowAll()), true, 10, Long.MAX_VALUE).send();
        assertTrue(sent.isEmpty());
        assertEquals(0, s.queuedQos0Count());
    }
}

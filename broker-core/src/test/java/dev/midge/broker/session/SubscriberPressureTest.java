package dev.midge.broker.session;

import dev.midge.broker.message.Message;
import dev.midge.broker.security.Authorizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flow control's decision, without sockets: high-water mark, low-water mark, stall, release. */
class SubscriberPressureTest {

    private final List<Outbound> sent = new ArrayList<>();
    private final DeliverySink connection = sent::addAll;

    private static Delivery delivery(int n) {
        return new Delivery(Message.of("t", new byte[] {(byte) n}, 1, false), 1, false, List.of());
    }

    /** One in flight at a time, 10 may wait: presses at 5 waiting, lets go at 2. */
    private Session attached(long maxPauseNanos) {
        Session s = new Session("c", new QueueLimits(1, 10, 0, 0, false, maxPauseNanos));
        Permissions who = new Permissions(SessionTest.OWNER, Authorizer.allowAll());
        s.claim(who);
        s.attach(connection, who, false, 65535, Long.MAX_VALUE).send();
        return s;
    }

    private void ackFirstInFlight(Session s) {
        Outbound.Publish p = (Outbound.Publish) sent.remove(0);
        s.onPubAck(p.packetId()).send();
    }

    @Test
    void aClientWithHalfItsQueueWaitingAsksPublishersToWaitUntilItHasDrainedToAQuarter() {
        Session s = attached(60_000_000_000L);
        for (int i = 0; i < 5; i++) { // one in flight, four waiting
            s.offer(delivery(i)).send();
        }
        assertFalse(s.asksPublishersToWait());
        s.offer(delivery(5)).send(); // five waiting
        assertTrue(s.asksPublishersToWait());
        AtomicInteger resumed = new AtomicInteger();
        s.whenCaughtUp(resumed::incrementAndGet);
        ackFirstInFlight(s); // four waiting
        ackFirstInFlight(s); // three
        assertEquals(0, resumed.get());
        ackFirstInFlight(s); // two: a quarter
        assertEquals(1, resumed.get());
        assertFalse(s.asksPublishersToWait());
    }

    @Test
    void nothingIsDroppedPastTheLimitWhileAPublisherWaitsButTheLimitAppliesOnceNoneDoes() {
        Session s = attached(60_000_000_000L);
        for (int i = 0; i < 6; i++) {
            s.offer(delivery(i)).send();
        }
        s.whenCaughtUp(() -> { });
        for (int i = 6; i < 20; i++) { // what the waiting publisher had read already
            s.offer(delivery(i)).send();
        }
        assertEquals(19, s.queuedCount(), "held, not dropped");
        s.detach(connection); // offline: mosquitto's queue again, and the publisher is released
        s.offer(delivery(20)).send();
        assertEquals(10, s.queuedCount());
    }

    @Test
    void aClientThatDoesNotDrainWithinTheBudgetIsStalledAndReleasesItsPublishers() throws Exception {
        Session s = attached(1_000_000L); // 1 ms
        for (int i = 0; i < 6; i++) {
            s.offer(delivery(i)).send();
        }
        AtomicInteger resumed = new AtomicInteger();
        s.whenCaughtUp(resumed::incrementAndGet);
        long start = System.nanoTime();
        while (System.nanoTime() - start < 2_000_000L) {
            Thread.onSpinWait(); // the budget passes; no other thread involved
        }
        s.offer(delivery(6)).send();
        assertEquals(1, resumed.get());
        assertFalse(s.asksPublishersToWait(), "stalled: it no longer slows anyone");
        for (int i = 7; i < 30; i++) {
            s.offer(delivery(i)).send();
        }
        assertEquals(10, s.queuedCount(), "mosquitto's treatment: the queue drops past its limit");
    }
}

package dev.midge.broker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.midge.testing.Deadlines;
import dev.midge.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flow control instead of loss (README, "Slow subscribers"): a subscriber that stops reading
 * stops its publishers being read, so that QoS 1 within the queue limit is never dropped, while
 * a subscriber that stays stuck past the pause budget no longer holds anyone up.
 */
class FlowControlTest extends BrokerTest {

    private static final String PAUSE_LOGGER = "dev.midge.broker.netty.SubscriberBackpressure";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        for (Thread t : threads) {
            t.interrupt();
            t.join(10_000);
        }
        ((Logger) LoggerFactory.getLogger(PAUSE_LOGGER)).setLevel(null);
    }

    private static byte[] numbered(int n) {
        return ByteBuffer.allocate(64).putInt(n).array();
    }

    private RawClient subscriber(String clientId) throws Exception {
        RawClient raw = new RawClient(broker.port());
        open.add(raw);
        raw.send(RawClient.connect(clientId, true));
        assertEquals(2, raw.read().type());
        raw.send(RawClient.subscribe(1, "load/#", 1));
        assertEquals(9, raw.read().type());
        return raw;
    }

    /** Reads QoS 1 PUBLISHes on a thread, acknowledging each, and records their numbers. */
    private Set<Integer> readAndAcknowledge(RawClient raw, AtomicInteger count) {
        Set<Integer> got = ConcurrentHashMap.newKeySet();
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    RawClient.Packet p;
                    try {
                        p = raw.read();
                    } catch (SocketTimeoutException quiet) {
                        continue;
                    }
                    if (p.type() == 3) {
                        int topicLength = ((p.body()[0] & 0xFF) << 8) | (p.body()[1] & 0xFF);
                        got.add(ByteBuffer.wrap(p.body(), 4 + topicLength, 4).getInt());
                        count.incrementAndGet();
                        raw.send(RawClient.puback(RawClient.packetIdOfPublish(p)));
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "reader");
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return got;
    }

    /** A publisher that writes {@code total} QoS 1 messages without waiting; counts the PUBACKs it gets. */
    private AtomicInteger publish(int total) throws Exception {
        RawClient pub = new RawClient(broker.port());
        open.add(pub);
        pub.send(RawClient.connect("pub", true));
        assertEquals(2, pub.read().type());
        AtomicInteger acks = new AtomicInteger();
        Thread reader = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        if (pub.read().type() == 4) {
                            acks.incrementAndGet();
                        }
                    } catch (SocketTimeoutException quiet) {
                        // paused: nothing to acknowledge yet
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "puback-reader");
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    pub.send(RawClient.publish("load/" + (i % 4), 1, i % 65535 + 1, numbered(i)));
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "publisher");
        for (Thread t : List.of(reader, writer)) {
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return acks;
    }

    @Test
    void aSubscriberThatStopsReadingStopsItsPublisherBeingReadAndLosesNoQos1MessageWhenItResumes() throws Exception {
        ((Logger) LoggerFactory.getLogger(PAUSE_LOGGER)).setLevel(Level.DEBUG);
        int total = 2000; // twenty times what may wait for the slow subscriber
        start(b -> b.maxQueuedMessages(100).delivery(DeliveryOptions.defaults().withMaxPublisherPause(DEADLINE)));
        try (LogCapture log = LogCapture.of(PAUSE_LOGGER)) {
            RawClient slow = subscriber("slow"); // reads nothing until told
            AtomicInteger fastCount = new AtomicInteger();
            Set<Integer> fast = readAndAcknowledge(subscriber("fast"), fastCount);

            AtomicInteger acks = publish(total);
            await().atMost(DEADLINE).pollInterval(Deadlines.POLL)
                    .until(() -> !log.matching("Client pub", "is not read until subscriber", "slow").isEmpty());
            // Paused: the broker acknowledged only part of what the publisher wrote.
            assertTrue(acks.get() < total, "acknowledged " + acks.get() + " of " + total + " while paused");
            assertTrue(fastCount.get() > 0, "the fast subscriber received until the pause");

            AtomicInteger slowCount = new AtomicInteger();
            Set<Integer> slowGot = readAndAcknowledge(slow, slowCount);
            await().atMost(DEADLINE).pollInterval(Deadlines.POLL).until(() -> slowGot.size() == total);
            await().atMost(DEADLINE).pollInterval(Deadlines.POLL).until(() -> fast.size() == total);
            await().atMost(DEADLINE).pollInterval(Deadlines.POLL).until(() -> acks.get() == total);
            assertEquals(total, slowCount.get(), "each message once to the slow subscriber");
            assertEquals(total, fastCount.get(), "each message once to the fast subscriber");
        }
    }

    @Test
    void aSubscriberStuckPastThePauseBudgetNoLongerHoldsUpItsPublisherOrTheOtherSubscribers() throws Exception {
        int total = 3000;
        start(b -> b.maxQueuedMessages(100)
                .delivery(DeliveryOptions.defaults().withMaxPublisherPause(Duration.ofMillis(300))));
        try (LogCapture log = LogCapture.of("dev.midge")) {
            subscriber("stuck"); // never reads again
            AtomicInteger fastCount = new AtomicInteger();
            Set<Integer> fast = readAndAcknowledge(subscriber("fast"), fastCount);

            AtomicInteger acks = publish(total);
            await().atMost(DEADLINE).pollInterval(Deadlines.POLL).until(() -> fast.size() == total);
            await().atMost(DEADLINE).pollInterval(Deadlines.POLL).until(() -> acks.get() == total);
            assertEquals(total, fastCount.get(), "each message once to the fast subscriber");
            log.awaitOneLine("WARN Client stuck from 127.0.0.1:", "has not read its messages for 300 ms");
            log.awaitOneLine("WARN Outgoing messages are being dropped for client stuck");
        }
    }

    @Test
    void oneSlowSubscriberAmongManyRecipientsDoesNotHoldThePublisherBack() throws Exception {
        int total = 2000;
        // A pause would last two minutes: far past the deadline below.
        start(b -> b.maxQueuedMessages(100)
                .delivery(DeliveryOptions.defaults().withMaxPublisherPause(Duration.ofMinutes(2))));
        subscriber("stuck"); // never reads again: one of five recipients
        List<Set<Integer>> fast = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fast.add(readAndAcknowledge(subscriber("fast" + i), new AtomicInteger()));
        }
        AtomicInteger acks = publish(total);
        Duration deadline = Duration.ofSeconds(45);
        await().atMost(deadline).pollInterval(Deadlines.POLL).until(() -> acks.get() == total);
        for (Set<Integer> got : fast) {
            await().atMost(deadline).pollInterval(Deadlines.POLL).until(() -> got.size() == total);
        }
    }
}

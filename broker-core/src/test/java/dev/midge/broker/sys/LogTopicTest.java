package dev.midge.broker.sys;

import dev.midge.broker.LogTopic;
import dev.midge.broker.LogTopic.Severity;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mosquitto's log_dest topic as the core publishes it: on $SYS/broker/log/SEVERITY, QoS 2, not retained,
 * expiring after 20 s, seen by the real mosquitto_sub; and a line logged while publishing one is not
 * published again (the log cannot feed itself).
 */
class LogTopicTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void linesArePublishedAsMosquittoPublishesThem() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start();
             RunningSubscriber sub = MosquittoClients.subscribe(MosquittoClients.options(broker.port()).mqtt5(),
                     "-q", "2", "-t", "$SYS/broker/log/#", "-F", "%t q%q r%r e%E %p")) {
            assertNotNull(sub.awaitSubscribed(DEADLINE), sub.stderr());
            LogTopic topic = broker.broker().logTopic();

            assertTrue(topic.offer(Severity.NOTICE, "1700000000: New connection from 127.0.0.1:5 on port 1883."));
            assertTrue(topic.offer(Severity.SUBSCRIBE, "1700000000: c1 0 a/#"));

            String notice = sub.awaitLine(DEADLINE);
            assertTrue(notice != null && notice.matches("\\$SYS/broker/log/N q2 r0 e(20|19) 1700000000: New connection "
                    + "from 127\\.0\\.0\\.1:5 on port 1883\\."), notice + " " + sub.stderr());
            String subscribe = sub.awaitLine(DEADLINE);
            assertTrue(subscribe != null && subscribe.startsWith("$SYS/broker/log/M/subscribe q2 r0 "), subscribe);
        }
    }

    @Test
    void aLineLoggedWhilePublishingALineIsNotPublished() throws Exception {
        List<Boolean> echoesTaken = new CopyOnWriteArrayList<>();
        AtomicReference<LogTopic> logTopic = new AtomicReference<>();
        // Deciding a delivery runs on the publishing thread, and may log (a denied delivery does): here it
        // logs a line for every log line it lets through.
        Authorizer echoing = new Authorizer() {
            @Override public boolean canPublish(ClientIdentity client, String topic) { return true; }
            @Override public boolean canSubscribe(ClientIdentity client, String topicFilter) { return true; }
            @Override public boolean canReceive(ClientIdentity client, String topic) {
                if (topic.startsWith("$SYS/broker/log/") && logTopic.get() != null) {
                    echoesTaken.add(logTopic.get().offer(Severity.INFORMATION, "echo of " + topic));
                }
                return true;
            }
        };
        try (EmbeddedBroker broker = EmbeddedBroker.start(b -> b.authorizer(echoing));
             RunningSubscriber sub = MosquittoClients.subscribe(MosquittoClients.options(broker.port()),
                     "-t", "$SYS/broker/log/#", "-v")) {
            assertNotNull(sub.awaitSubscribed(DEADLINE), sub.stderr());
            LogTopic topic = broker.broker().logTopic();
            logTopic.set(topic);
            assertTrue(topic.offer(Severity.WARNING, "first"));
            assertEquals("$SYS/broker/log/W first", sub.awaitLine(DEADLINE));
            assertTrue(topic.offer(Severity.WARNING, "marker"));
            // The echo would have been published between the two.
            assertEquals("$SYS/broker/log/W marker", sub.awaitLine(DEADLINE));
            assertEquals(List.of(false, false), echoesTaken);
        }
    }

    @Test
    void linesBeyondTheQueueAreDroppedCountedAndReported() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        // The first log line's delivery holds the publishing thread, as a stuck route would.
        Authorizer holding = new Authorizer() {
            @Override public boolean canPublish(ClientIdentity client, String topic) { return true; }
            @Override public boolean canSubscribe(ClientIdentity client, String topicFilter) { return true; }
            @Override public boolean canReceive(ClientIdentity client, String topic) {
                if (topic.startsWith("$SYS/broker/log/") && held.compareAndSet(false, true)) {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return true;
            }
        };
        try (EmbeddedBroker broker = EmbeddedBroker.start(b -> b.authorizer(holding));
             RunningSubscriber sub = MosquittoClients.subscribe(MosquittoClients.options(broker.port()),
                     "-t", "$SYS/broker/log/#", "-v")) {
            assertNotNull(sub.awaitSubscribed(DEADLINE), sub.stderr());
            LogTopic topic = broker.broker().logTopic();

            int refused = 0;
            // At most the first is taken before the thread is held; the queue holds 1000 more.
            for (int i = 0; i < 1011; i++) {
                refused += topic.offer(Severity.INFORMATION, "line " + i) ? 0 : 1;
            }
            assertTrue(refused >= 10, "refused " + refused);
            assertEquals(refused, topic.dropped());

            release.countDown();
            String warning = "$SYS/broker/log/W Warning: " + refused + " log lines were not published on "
                    + "$SYS/broker/log: more than 1000 were waiting.";
            for (String line; (line = sub.awaitLine(DEADLINE)) != null; ) {
                if (line.equals(warning)) {
                    return;
                }
            }
            throw new AssertionError("no '" + warning + "'");
        }
    }
}

package dev.midge.broker.persist;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import dev.midge.broker.BrokerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer's backlog stays within its bound when publishers outrun the disk. */
class StoreBacklogTest extends BrokerTest {

    private static final int BOUND = 200;
    private static final int MESSAGES = 2_000;
    private static final int PAYLOAD = 100;
    /** What one read (4 KiB) already holds when the connection is paused: it is still handled. */
    private static final int ONE_READ = 4096 / PAYLOAD + 1;

    @TempDir
    Path dir;

    @AfterEach
    void removeSeams() {
        GroupCommit.beforeWrite = g -> { };
        GroupCommit.nextBound = GroupCommit.Bound.DEFAULT;
    }

    @Test
    void aPublisherThatOutrunsTheDiskIsPausedAndTheBacklogStaysWithinItsBound() throws Exception {
        GroupCommit.nextBound = new GroupCommit.Bound(BOUND, 64L << 20);
        start(b -> b.persistence(dir).maxInflightMessages(0).maxQueuedMessages(0));
        Mqtt5BlockingClient sub = v5("sub");
        sub.connectWith().sessionExpiryInterval(3600).send();
        sub.subscribeWith().topicFilter("t").qos(MqttQos.AT_LEAST_ONCE).send();
        sub.disconnect();
        awaitGone("sub");

        // A disk that does not move until the test says so: the slowest writer there is.
        CountDownLatch diskMoves = new CountDownLatch(1);
        AtomicReference<GroupCommit<?>> writer = new AtomicReference<>();
        GroupCommit.beforeWrite = g -> {
            writer.set(g);
            try {
                diskMoves.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Mqtt5BlockingClient pub = v5("pub");
        pub.connect();
        List<CompletableFuture<Mqtt5PublishResult>> acks = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            acks.add(pub.toAsync().publishWith().topic("t").payload(payload(i)).qos(MqttQos.AT_LEAST_ONCE).send());
        }
        // Either the broker paused the publisher, or (without a bound) it read everything.
        await().atMost(Duration.ofSeconds(20)).until(() -> writer.get() != null
                && (writer.get().paused() > 0 || writer.get().backlogChanges() >= MESSAGES));
        assertEquals(0, acks.stream().filter(CompletableFuture::isDone).count(), "nothing acknowledged before the disk moved");

        diskMoves.countDown();
        for (CompletableFuture<Mqtt5PublishResult> ack : acks) {
            assertTrue(ack.get(30, TimeUnit.SECONDS).getError().isEmpty());
        }
        long peak = writer.get().peakBacklogChanges();
        assertTrue(peak <= BOUND + ONE_READ, "backlog peaked at " + peak + " changes; bound " + BOUND);

        Mqtt5BlockingClient again = v5("sub");
        var inbox = again.publishes(MqttGlobalPublishFilter.ALL);
        again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
        for (int i = 0; i < MESSAGES; i++) {
            Mqtt5Publish p = inbox.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertEquals(i, index(p), "every message, in order");
        }
    }

    private static byte[] payload(int i) {
        byte[] b = new byte[PAYLOAD];
        byte[] n = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, b, 0, n.length);
        return b;
    }

    private static int index(Mqtt5Publish p) {
        return Integer.parseInt(new String(p.getPayloadAsBytes(), StandardCharsets.US_ASCII).replace("\u0000", ""));
    }
}

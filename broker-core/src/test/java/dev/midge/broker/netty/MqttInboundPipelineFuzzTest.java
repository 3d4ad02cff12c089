package dev.midge.broker.netty;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.midge.broker.BrokerOptions;
import dev.midge.broker.LeakRecorder;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Any bytes a client sends go through the pipeline {@link MqttChannelInitializer} builds for
 * every connection (MqttFrameDecoder behind Midge's packet limit, then CONNECT and session
 * handling against a real {@link MqttEngine}) without an error: no exception reaches the end
 * of the pipeline or is logged as unexpected, every buffer is released, and each input ends
 * (bounded by @Timeout, which Jazzer applies to every input while fuzzing).
 *
 * <p>Regression inputs (valid 3.1.1 and 5.0 sessions, and broken ones) are in
 * {@code src/test/resources/dev/midge/broker/netty/MqttInboundPipelineFuzzTestInputs/}.
 */
class MqttInboundPipelineFuzzTest {

    /** Bytes handed to the pipeline per read: inputs span several reads, as on a socket. */
    private static final int READ_SIZE = 64;

    private static final ErrorLogRecorder LOG = new ErrorLogRecorder();
    private static ScheduledThreadPoolExecutor timer;

    static {
        LeakRecorder.install();
    }

    @BeforeAll
    static void start() {
        LOG.install();
        timer = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("fuzz-timer", true));
    }

    @AfterAll
    static void stop() {
        timer.shutdownNow();
        LOG.uninstall();
        assertEquals(List.of(), LeakRecorder.collect(), "Netty reported leaked buffers");
    }

    @FuzzTest
    @Timeout(10)
    void anyBytesAreHandledWithoutErrorLeakOrHang(byte[] input) throws Exception {
        TrackingAllocator allocator = new TrackingAllocator();
        MqttEngine engine = new MqttEngine(options(), timer);
        ChannelGroup channels = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
        // The authenticator runs inline; its verdict still comes back as a task on the channel's
        // loop, so packets after CONNECT in the same read are held and replayed as in production.
        Executor authExecutor = Runnable::run;
        PeerChannel channel = new PeerChannel(allocator,
                new MqttChannelInitializer(ListenerOptions.plain(1883), engine, authExecutor, channels));
        try {
            for (int from = 0; from < input.length && channel.isOpen(); from += READ_SIZE) {
                int length = Math.min(READ_SIZE, input.length - from);
                channel.writeInbound(channel.alloc().buffer(length).writeBytes(input, from, length));
                channel.runPendingTasks();
                channel.releaseOutbound();
            }
            // Past the CONNECT timeout and any keep-alive: those paths close the connection too.
            channel.advanceTimeBy(200, TimeUnit.SECONDS);
            channel.runPendingTasks();
        } finally {
            channel.finishAndReleaseAll(); // closes: channelInactive, will, session end
            timer.getQueue().clear();      // wills and expiries of this input's engine
        }
        assertEquals(List.of(), LOG.takeBugs(), "logged as a bug");
        assertEquals(0, allocator.stillReferencedAndForget(), "buffers not released");
    }

    /** Small limits so that the fuzzer reaches them; one denied topic so that denial runs too. */
    private static BrokerOptions options() {
        return BrokerOptions.builder()
                .listener(ListenerOptions.plain(1883))
                .messageSizeLimit(2048)
                .maxInflightMessages(2)
                .maxQueuedMessages(4)
                .maxTopicAlias(4)
                .authorizer(new Authorizer() {
                    @Override
                    public boolean canPublish(ClientIdentity client, String topic) {
                        return !topic.startsWith("deny");
                    }

                    @Override
                    public boolean canSubscribe(ClientIdentity client, String topicFilter) {
                        return !topicFilter.startsWith("deny");
                    }

                    @Override
                    public boolean canReceive(ClientIdentity client, String topic) {
                        return !topic.startsWith("deny/receive");
                    }
                })
                .build();
    }
}

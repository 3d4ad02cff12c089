package dev.midge.broker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The leak check the other tests rely on does see a leaked buffer. */
class LeakRecorderTest {

    static {
        LeakRecorder.install();
    }

    @Test
    void aBufferNeverReleasedIsReported() {
        leak();
        AtomicReference<List<String>> reports = new AtomicReference<>(List.of());
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            reports.set(LeakRecorder.collect());
            return !reports.get().isEmpty();
        });
        assertFalse(reports.get().isEmpty());
        LeakRecorder.forget(reports.get());
    }

    private static void leak() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(64);
        leaked.writeInt(42);
    }
}

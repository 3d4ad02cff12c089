package dev.midge.cli.soak;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * The leak reports Netty's detector logs while the soak runs. It listens to the detector's
 * log rather than replacing its factory (as broker-core's LeakRecorder does) because the
 * factory only applies to buffer classes not loaded yet, and in a shared test JVM another
 * test may have loaded them first; the log works whatever ran before.
 *
 * <p>{@link #proveItSeesALeak} leaks one buffer on purpose and waits for its report, so a
 * detector that is off or wired wrong fails the soak instead of passing it silently.
 */
final class LeakReports implements AutoCloseable {

    private static final String CANARY = "leakOnPurpose";

    private final Logger detectorLog = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                reports.add(event.getFormattedMessage());
            }
        }
    };

    LeakReports() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        if (!detectorLog.isErrorEnabled()) {
            detectorLog.setLevel(Level.ERROR); // the detector stays silent when its logger is off
        }
        appender.setContext(detectorLog.getLoggerContext());
        appender.start();
        detectorLog.addAppender(appender);
    }

    /** Fails unless a buffer leaked here is reported; then forgets that report. */
    void proveItSeesALeak(Duration within) {
        leakOnPurpose();
        List<String> canaries = await("Netty's leak detector reporting a buffer leaked on purpose (without it the"
                + " soak's leak check would not see a real leak)").atMost(within)
                .until(() -> collect().stream().filter(r -> r.contains(CANARY)).toList(), found -> !found.isEmpty());
        reports.removeAll(canaries);
    }

    /** Collects garbage and allocates, which is when the detector reports what was collected unreleased. */
    List<String> collect() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(16);
            probe.release();
        }
        return List.copyOf(reports);
    }

    private static void leakOnPurpose() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(64);
        leaked.writeLong(42);
    }

    @Override
    public void close() {
        detectorLog.detachAppender(appender);
        appender.stop();
    }
}

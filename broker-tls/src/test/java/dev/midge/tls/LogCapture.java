package dev.midge.tls;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** Captures what dev.midge logs, as a user reads it (formatted message, level, any stack trace). */
final class LogCapture implements AutoCloseable {

    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.midge");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
        appender.start();
        logger.addAppender(appender);
    }

    synchronized List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }

    List<String> linesContaining(String text) {
        return lines().stream().filter(l -> l.contains(text)).toList();
    }

    /** Waits until exactly one line contains every fragment, and returns it. */
    String awaitOneLine(String... fragments) {
        await().atMost(Duration.ofSeconds(5)).until(() -> matching(fragments).size() >= 1);
        List<String> found = matching(fragments);
        if (found.size() != 1) {
            throw new AssertionError("expected one line with " + List.of(fragments) + " but got " + found);
        }
        return found.get(0);
    }

    List<String> matching(String... fragments) {
        return lines().stream().filter(l -> List.of(fragments).stream().allMatch(l::contains)).toList();
    }

    boolean anyStackTrace() {
        synchronized (appender.list) {
            return appender.list.stream().anyMatch(e -> e.getThrowableProxy() != null);
        }
    }

    void clear() {
        synchronized (appender.list) {
            appender.list.clear();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}

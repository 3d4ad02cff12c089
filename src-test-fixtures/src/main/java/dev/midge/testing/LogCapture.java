package dev.midge.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * Collects what a logger (and its children) writes, so a test can assert on the line a person
 * would read: {@code LogCapture.of(AclAuthorizer.class)}, or {@code LogCapture.of("dev.midge")}
 * for everything the broker logs. Close it to detach.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
    }

    public static LogCapture of(Class<?> source) {
        return new LogCapture(source.getName());
    }

    /** By name: a package ({@code "dev.midge"}), or a class that is not visible to the test. */
    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    /** The formatted messages, in order. */
    public List<String> messages() {
        synchronized (appender) { // AppenderBase appends under this lock
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** Each message preceded by its level ({@code "WARN Reloaded ..."}). */
    public List<String> lines() {
        synchronized (appender) { // AppenderBase appends under this lock
            return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }

    public List<String> linesContaining(String text) {
        return lines().stream().filter(l -> l.contains(text)).toList();
    }

    /** The lines that contain every fragment. */
    public List<String> matching(String... fragments) {
        return lines().stream().filter(l -> List.of(fragments).stream().allMatch(l::contains)).toList();
    }

    /** Waits (up to {@link Deadlines#RELOAD}) until a line contains every fragment; exactly one may. */
    public String awaitOneLine(String... fragments) {
        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> !matching(fragments).isEmpty());
        List<String> found = matching(fragments);
        if (found.size() != 1) {
            throw new AssertionError("expected one line with " + List.of(fragments) + " but got " + found);
        }
        return found.get(0);
    }

    public boolean anyStackTrace() {
        synchronized (appender) { // AppenderBase appends under this lock
            return appender.list.stream().anyMatch(e -> e.getThrowableProxy() != null);
        }
    }

    public void clear() {
        synchronized (appender) { // AppenderBase appends under this lock
            appender.list.clear();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}

package dev.midge.broker.netty;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Takes the place of the root logger's appenders while a fuzz test runs: every event is still
 * formatted (so the log statements run as in production), none is printed, and the ones that
 * mean a bug are kept: an ERROR from anyone (Midge logs unexpected exceptions at ERROR, with
 * the stack trace) and a WARN from Netty (an exception in a listener, a task that failed).
 */
final class ErrorLogRecorder extends AppenderBase<ILoggingEvent> {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    private final List<String> bugs = new ArrayList<>();

    void install() {
        root.iteratorForAppenders().forEachRemaining(detached::add);
        detached.forEach(root::detachAppender);
        setContext(root.getLoggerContext());
        start();
        root.addAppender(this);
    }

    void uninstall() {
        root.detachAppender(this);
        stop();
        detached.forEach(root::addAppender);
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        boolean bug = event.getLevel().isGreaterOrEqual(Level.ERROR)
                || event.getLevel().isGreaterOrEqual(Level.WARN) && event.getLoggerName().startsWith("io.netty");
        if (bug) {
            String trace = event.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
            bugs.add(event.getLevel() + " " + event.getLoggerName() + ": " + message + trace);
        }
    }

    /** What was logged as a bug since the last call; forgets it. */
    synchronized List<String> takeBugs() {
        List<String> result = List.copyOf(bugs);
        bugs.clear();
        return result;
    }
}

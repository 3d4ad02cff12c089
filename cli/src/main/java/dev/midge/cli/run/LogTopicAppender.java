package dev.midge.cli.run;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import dev.midge.broker.LogTopic;
import dev.midge.broker.LogTopic.Severity;
import dev.midge.broker.logging.LogCategory;

/**
 * {@code log_dest topic}: hands each line the log types let through to the broker's {@link LogTopic}, which
 * publishes it on {@code $SYS/broker/log/E|W|N|I|M/subscribe|M/unsubscribe|WS} as mosquitto does (debug lines
 * are not published, as in mosquitto). The payload is the line as mosquitto writes it: the timestamp (as
 * {@code log_timestamp*} say) and the message, the level being the topic. Until the broker runs there is no
 * one to publish to, and lines are left out. Never blocks: {@link LogTopic#offer} drops when full.
 */
final class LogTopicAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    static final String NAME = "topic";
    /** mosquitto's log line buffer is 1000 bytes; a longer line is cut there too. */
    private static final int MAX_LINE = 999;

    private final PatternLayout layout = new PatternLayout();
    private final boolean websocketsType;
    private volatile LogTopic target;

    /** @param websocketsType log_type websockets is asked for: Netty's WebSocket lines go to .../WS */
    LogTopicAppender(String timestampPrefix, boolean websocketsType) {
        this.websocketsType = websocketsType;
        layout.setPattern(timestampPrefix + "%msg%nopex");
    }

    @Override
    public void start() {
        layout.setContext(getContext());
        layout.start();
        super.start();
    }

    /** From now on lines are published by this broker's log topic (null: no longer). */
    void publishTo(LogTopic topic) {
        this.target = topic;
    }

    @Override
    protected void append(ILoggingEvent event) {
        LogTopic topic = target;
        Severity severity = severity(event);
        if (topic == null || severity == null) {
            return;
        }
        String line = layout.doLayout(event);
        topic.offer(severity, line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line);
    }

    /** mosquitto's topic for the line's log type; null for debug, which mosquitto does not publish. */
    Severity severity(ILoggingEvent event) {
        String logger = event.getLoggerName();
        if (logger.equals(LogCategory.SUBSCRIBE_NAME)) {
            return Severity.SUBSCRIBE;
        }
        if (logger.equals(LogCategory.UNSUBSCRIBE_NAME)) {
            return Severity.UNSUBSCRIBE;
        }
        if (websocketsType && logger.startsWith(LogSetup.WEBSOCKETS_LOGGER)) {
            return Severity.WEBSOCKETS;
        }
        Level level = event.getLevel();
        if (level == Level.ERROR) {
            return Severity.ERROR;
        }
        if (level == Level.WARN) {
            return Severity.WARNING;
        }
        if (level == Level.INFO) {
            return isNotice(event) ? Severity.NOTICE : Severity.INFORMATION;
        }
        return null;
    }

    static boolean isNotice(ILoggingEvent event) {
        java.util.List<org.slf4j.Marker> markers = event.getMarkerList();
        if (markers == null || markers.isEmpty()) {
            return LogTypeFilter.isNotice(event.getLoggerName(), null);
        }
        return markers.stream().anyMatch(m -> LogTypeFilter.isNotice(event.getLoggerName(), m));
    }
}

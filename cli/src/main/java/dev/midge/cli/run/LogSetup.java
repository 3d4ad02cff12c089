package dev.midge.cli.run;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import dev.midge.broker.MidgeBroker;
import dev.midge.conf.BrokerConfig;
import dev.midge.conf.BrokerConfig.LogDestination;
import dev.midge.conf.BrokerConfig.LogType;
import dev.midge.broker.logging.LogCategory;
import dev.midge.conf.LogOptions;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Points logback where mosquitto's {@code log_dest} and {@code log_type} say. mosquitto's types
 * are a set (error, warning, notice, information, debug, ...); logback has one threshold per
 * logger, so the threshold is the most verbose level type asked for; notice and information are
 * both INFO, and {@link LogTypeFilter} keeps one from bringing the other. The types that are
 * categories, not levels (subscribe, unsubscribe), and {@code connection_messages} each gate their
 * own logger ({@link LogCategory}), so asking for one shows only its lines. {@code log_dest topic}
 * is a {@link LogTopicAppender}, which starts publishing once the broker runs ({@link #publishTo}).
 */
public final class LogSetup {

    private static final String LINE = "%-5level %msg%n";

    private LogSetup() {
    }

    /** log_type, log_dest and the log options of a parsed conf. */
    public static void apply(BrokerConfig config) {
        Set<LogDestination> to = config.logDestinations();
        apply(config.logTypes(), to.contains(LogDestination.STDOUT), to.contains(LogDestination.STDERR),
                config.logFile(), config.log(), to.contains(LogDestination.TOPIC));
        if (to.contains(LogDestination.SYSLOG)) {
            syslog(config.log());
        }
    }

    /** log_dest syslog: to the local syslog socket, or a warning where a JVM cannot reach it. */
    private static void syslog(LogOptions log) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        if (!SyslogSocketAppender.available()) {
            LoggerFactory.getLogger(LogSetup.class).warn("Warning: log_dest syslog is ignored: sending to the local "
                    + "syslog socket needs Linux (Netty's epoll transport), which this is not.");
            return;
        }
        String socket = System.getenv().getOrDefault("MIDGE_SYSLOG_SOCKET", SyslogSocketAppender.DEFAULT_SOCKET);
        SyslogSocketAppender appender = new SyslogSocketAppender(LogTimestamp.prefix(log), log.syslogFacility(), socket);
        appender.setContext(context);
        appender.setName(SyslogSocketAppender.NAME);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    /**
     * @param logTypes mosquitto's log_type set as conf parsed it (its default already applied;
     *                 empty means "none")
     * @param stdout   log to standard output
     * @param stderr   log to standard error
     * @param file     log to this file too, or null
     */
    public static void apply(Set<LogType> logTypes, boolean stdout, boolean stderr, Path file) {
        apply(logTypes, stdout, stderr, file, LogOptions.DEFAULT);
    }

    /** @param log {@code log_timestamp} and {@code log_timestamp_format} */
    public static void apply(Set<LogType> logTypes, boolean stdout, boolean stderr, Path file, LogOptions log) {
        apply(logTypes, stdout, stderr, file, log, false);
    }

    /** @param topic {@code log_dest topic}: publish on {@code $SYS/broker/log/...} once {@link #publishTo} names the broker */
    static void apply(Set<LogType> logTypes, boolean stdout, boolean stderr, Path file, LogOptions log, boolean topic) {
        String pattern = LogTimestamp.prefix(log) + LINE;
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another slf4j backend: leave it to its own configuration
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(threshold(logTypes));
        gateCategories(context, logTypes, log);
        context.getTurboFilterList().removeIf(f -> f instanceof LogTypeFilter);
        LogTypeFilter noticesApart = LogTypeFilter.forTypes(logTypes);
        if (noticesApart != null) {
            noticesApart.setContext(context);
            noticesApart.start();
            context.addTurboFilter(noticesApart);
        }
        root.detachAndStopAllAppenders();
        if (stdout) {
            root.addAppender(console(context, "System.out", pattern));
        }
        if (stderr) {
            root.addAppender(console(context, "System.err", pattern));
        }
        if (file != null) {
            FileAppender<ILoggingEvent> appender = new FileAppender<>();
            appender.setFile(file.toString());
            appender.setAppend(true);
            root.addAppender(start(context, appender, "file", pattern));
        }
        if (topic) {
            LogTopicAppender appender = new LogTopicAppender(LogTimestamp.prefix(log), logTypes.contains(LogType.WEBSOCKETS));
            appender.setContext(context);
            appender.setName(LogTopicAppender.NAME);
            appender.start();
            root.addAppender(appender);
        }
    }

    /**
     * With {@code log_dest topic}, the broker's lines are published by this broker from now on; the
     * result stops that (before the broker closes). Without it, nothing happens.
     */
    public static AutoCloseable publishTo(MidgeBroker broker) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)
                || !(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(LogTopicAppender.NAME)
                instanceof LogTopicAppender appender)) {
            return () -> { };
        }
        appender.publishTo(broker.logTopic());
        return () -> appender.publishTo(null);
    }

    static Level threshold(Set<LogType> logTypes) {
        if (logTypes.contains(LogType.DEBUG)) {
            return Level.DEBUG;
        }
        for (LogType verbose : List.of(LogType.INFORMATION, LogType.NOTICE)) {
            if (logTypes.contains(verbose)) {
                return Level.INFO;
            }
        }
        if (logTypes.contains(LogType.WARNING)) {
            return Level.WARN;
        }
        if (logTypes.contains(LogType.ERROR)) {
            return Level.ERROR;
        }
        return Level.OFF; // "none"
    }

    /**
     * Category loggers are on exactly when their type is asked for, whatever the level types say;
     * connection lines follow the level types (mosquitto logs them as notices) unless
     * connection_messages is false.
     */
    private static void gateCategories(LoggerContext context, Set<LogType> logTypes, LogOptions log) {
        context.getLogger(LogCategory.SUBSCRIBE_NAME).setLevel(logTypes.contains(LogType.SUBSCRIBE) ? Level.INFO : Level.OFF);
        context.getLogger(LogCategory.UNSUBSCRIBE_NAME)
                .setLevel(logTypes.contains(LogType.UNSUBSCRIBE) ? Level.INFO : Level.OFF);
        context.getLogger(LogCategory.CONNECTIONS_NAME).setLevel(log.connectionMessages() ? null : Level.OFF);
        // Not asked for: Netty's own default (io.netty at WARN, StartupLogging), as before.
        context.getLogger(WEBSOCKETS_LOGGER).setLevel(logTypes.contains(LogType.WEBSOCKETS)
                ? websocketsLevel(log.websocketsLogLevel()) : null);
    }

    /**
     * mosquitto's WebSocket library is libwebsockets; Midge's is Netty's HTTP codec and WebSocket
     * handshaker, whose lines go to this logger (the upgrade, handshakes, bad requests).
     */
    static final String WEBSOCKETS_LOGGER = "io.netty.handler.codec.http";

    /**
     * websockets_log_level is libwebsockets' bit mask (LLL_ERR 1, LLL_WARN 2, LLL_NOTICE 4, LLL_INFO 8,
     * LLL_DEBUG 16 and the finer ones above); logback has one threshold, so the most verbose bit set
     * decides. 0, mosquitto's default, logs nothing.
     */
    static Level websocketsLevel(int mask) {
        if (mask >= 16) {
            return Level.DEBUG;
        }
        if (mask >= 4) {
            return Level.INFO;
        }
        if (mask >= 2) {
            return Level.WARN;
        }
        return mask == 1 ? Level.ERROR : Level.OFF;
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, String target, String pattern) {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setTarget(target);
        return start(context, appender, target, pattern);
    }

    private static <A extends OutputStreamAppender<ILoggingEvent>> A start(LoggerContext context, A appender, String name,
                                                                          String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}

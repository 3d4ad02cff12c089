package dev.midge.cli.run;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.spi.FilterReply;
import dev.midge.broker.logging.LogCategory;
import dev.midge.conf.BrokerConfig.LogType;
import org.slf4j.Marker;

import java.util.Set;

/**
 * Tells mosquitto's {@code log_type notice} and {@code log_type information} apart, which logback cannot
 * (both are its INFO): in mosquitto a notice is about a client's connection (connects, disconnects and why,
 * session expiry, a bridge connecting), information is the rest (start-up, listeners, reloads). With only
 * one of the two asked for, this filter denies the other's INFO lines; the category loggers (subscribe,
 * unsubscribe, websockets) are not levels and pass as their own gate says.
 */
final class LogTypeFilter extends ch.qos.logback.classic.turbo.TurboFilter {

    private final boolean notices;
    private final boolean information;

    private LogTypeFilter(boolean notices, boolean information) {
        this.notices = notices;
        this.information = information;
    }

    /** The filter these log types need, or null when they show notices and information alike (or neither). */
    static LogTypeFilter forTypes(Set<LogType> types) {
        boolean notices = types.contains(LogType.NOTICE);
        boolean information = types.contains(LogType.INFORMATION);
        // debug is the threshold below both, so it brings both, as it brings warnings.
        if (notices == information || types.contains(LogType.DEBUG)) {
            return null;
        }
        return new LogTypeFilter(notices, information);
    }

    /** Whether an INFO line is one mosquitto would log as a notice. */
    static boolean isNotice(String loggerName, Marker marker) {
        return loggerName.equals(LogCategory.CONNECTIONS_NAME) || (marker != null && marker.contains(LogCategory.NOTICE));
    }

    /** The loggers whose lines are a log type of their own, not a level. */
    static boolean isCategory(String loggerName) {
        return loggerName.equals(LogCategory.SUBSCRIBE_NAME) || loggerName.equals(LogCategory.UNSUBSCRIBE_NAME)
                || loggerName.startsWith(LogSetup.WEBSOCKETS_LOGGER);
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.INFO || isCategory(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        boolean shown = isNotice(logger.getName(), marker) ? notices : information;
        return shown ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}

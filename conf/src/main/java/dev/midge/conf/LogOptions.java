package dev.midge.conf;

import java.util.Map;

/**
 * How log lines look, beyond where they go and which types: mosquitto's {@code log_timestamp},
 * {@code log_timestamp_format}, {@code connection_messages} and {@code websockets_log_level}.
 *
 * @param timestamp       {@code log_timestamp} (default true)
 * @param timestampFormat {@code log_timestamp_format}, a strftime format using only {@link #STRFTIME}'s
 *                        directives, or null for Midge's ISO-8601 default
 * @param connectionMessages {@code connection_messages} (default true): log each client's connect and
 *                        disconnect
 * @param websocketsLogLevel {@code websockets_log_level} (default 0): libwebsockets' bit mask (1 error,
 *                        2 warning, 4 notice, 8 info, 16 debug and above), shown only with
 *                        {@code log_type websockets}
 * @param syslogFacility    the syslog facility of {@code log_dest syslog}: {@link #LOG_DAEMON} by default,
 *                        {@code log_facility N} (0 to 7) makes it local0 to local7 ({@link #LOG_LOCAL0} + N)
 */
public record LogOptions(boolean timestamp, String timestampFormat, boolean connectionMessages,
                         int websocketsLogLevel, int syslogFacility) {

    /** syslog(3)'s facility codes (RFC 5424 §6.2.1), as mosquitto passes them to openlog(3). */
    public static final int LOG_DAEMON = 3;
    public static final int LOG_LOCAL0 = 16;

    public static final LogOptions DEFAULT = new LogOptions(true, null, true, 0, LOG_DAEMON);

    public LogOptions(boolean timestamp, String timestampFormat) {
        this(timestamp, timestampFormat, true, 0, LOG_DAEMON);
    }

    public LogOptions(boolean timestamp, String timestampFormat, boolean connectionMessages, int websocketsLogLevel) {
        this(timestamp, timestampFormat, connectionMessages, websocketsLogLevel, LOG_DAEMON);
    }

    /** The strftime directives Midge can show, as java.time pattern letters ({@code %%} is a percent sign). */
    public static final Map<Character, String> STRFTIME = Map.ofEntries(
            Map.entry('Y', "yyyy"), Map.entry('y', "yy"), Map.entry('m', "MM"), Map.entry('d', "dd"),
            Map.entry('e', "ppd"), Map.entry('H', "HH"), Map.entry('I', "hh"), Map.entry('M', "mm"),
            Map.entry('S', "ss"), Map.entry('p', "a"), Map.entry('b', "MMM"), Map.entry('h', "MMM"),
            Map.entry('B', "MMMM"), Map.entry('a', "EEE"), Map.entry('A', "EEEE"), Map.entry('j', "DDD"),
            Map.entry('F', "yyyy-MM-dd"), Map.entry('T', "HH:mm:ss"), Map.entry('R', "HH:mm"),
            Map.entry('z', "xx"), Map.entry('Z', "zzz"));
}

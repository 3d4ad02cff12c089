package dev.midge.conf;

import dev.midge.conf.BrokerConfig.LogDestination;
import dev.midge.conf.BrokerConfig.LogType;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The broker-wide options: limits, persistence, logging, process. Defaults are mosquitto 2.0's. */
final class GlobalDraft {

    static final Set<String> NAMES = Set.of("message_size_limit", "max_inflight_messages",
            "max_queued_messages", "max_queued_bytes", "max_keepalive", "retain_available", "persistence",
            "retained_persistence", "persistence_location", "autosave_interval", "log_type", "log_dest",
            "user", "pid_file", "midge_enrollment_port", "midge_enrollment_bind", "midge_clientid_binding",
            "midge_clientid_takeover", "midge_max_topic_levels", "midge_ocsp_port", "midge_ocsp_url",
            "max_inflight_bytes", "queue_qos0_messages", "upgrade_outgoing_qos", "retry_interval", "memory_limit",
            "midge_max_publisher_pause_ms",
            "persistent_client_expiration", "set_tcp_nodelay", "max_packet_size", "log_timestamp",
            "log_timestamp_format", "connection_messages", "websockets_log_level",
            "websockets_headers_size", "log_facility");

    private static final Set<LogType> DEFAULT_LOG_TYPES =
            EnumSet.of(LogType.ERROR, LogType.WARNING, LogType.NOTICE, LogType.INFORMATION);

    private int messageSizeLimit = 0;
    private int maxInflightMessages = 20;
    private int maxQueuedMessages = 1000;
    private long maxQueuedBytes = 0;
    private int maxKeepalive = 65535;
    private boolean retainAvailable = true;
    private boolean persistence = false;
    private final Setting<Path> persistenceLocation = new Setting<>();
    private int autosaveInterval = 1800;
    /** Null until a log_type line: the lines then replace the default, as in mosquitto. */
    private EnumSet<LogType> logTypes;
    private EnumSet<LogDestination> logDestinations;
    /** "log_dest none" given: no logging is wanted, rather than only destinations Midge lacks. */
    private boolean logDestNone;
    private final Setting<Path> logFile = new Setting<>();
    private final Setting<String> user = new Setting<>();
    private final Setting<Path> pidFile = new Setting<>();
    private int enrollmentPort = 0;
    private BrokerConfig.ClientIdBinding clientIdBinding = BrokerConfig.ClientIdBinding.NONE;
    private BrokerConfig.ClientIdTakeover clientIdTakeover = BrokerConfig.ClientIdTakeover.USERNAME;
    private final Setting<String> enrollmentBind = new Setting<>();
    private int maxTopicLevels = 200;
    private int ocspPort = 0;
    private final Setting<String> ocspUrl = new Setting<>();
    private QueueOptions queue = QueueOptions.defaults();
    private final Setting<Long> persistentClientExpiration = new Setting<>();
    private int maxPacketSize;
    private boolean logTimestamp = true;
    private boolean connectionMessages = true;
    private int websocketsLogLevel = 0;
    private int syslogFacility = LogOptions.LOG_DAEMON;
    private int websocketsHeadersSize = 0;
    private final Setting<String> logTimestampFormat = new Setting<>();

    void apply(ConfLine line, List<ConfigWarning> warnings) {
        switch (line.option()) {
            case "message_size_limit" -> messageSizeLimit = Values.integer(line, 0, BrokerConfig.MQTT_MAX_PAYLOAD);
            // mosquitto: negative or 65535 means no limit.
            case "max_inflight_messages" -> {
                int n = Values.integer(line, Integer.MIN_VALUE, 65535);
                maxInflightMessages = n < 0 || n == 65535 ? 0 : n;
            }
            case "max_queued_messages" -> maxQueuedMessages =
                    Math.max(0, Values.integer(line, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case "max_queued_bytes" -> maxQueuedBytes = Math.max(0, Values.longInteger(line, Long.MIN_VALUE, Long.MAX_VALUE));
            // mosquitto 2.0 refuses less than 10 seconds.
            case "max_keepalive" -> maxKeepalive = Values.integer(line, 10, 65535);
            case "retain_available" -> retainAvailable = Values.bool(line);
            case "persistence", "retained_persistence" -> persistence = Values.bool(line);
            case "persistence_location" -> persistenceLocation.set(line, Values.path(line));
            case "autosave_interval" -> {
                autosaveInterval = Math.max(0, Values.integer(line, Integer.MIN_VALUE, Integer.MAX_VALUE));
                warnings.add(line.warning("autosave_interval has no effect: with persistence Midge commits every "
                        + "message before acknowledging it, so nothing waits for a periodic save"));
            }
            // Midge always disables Nagle (small MQTT packets would wait up to 40 ms otherwise).
            case "set_tcp_nodelay" -> {
                if (!Values.bool(line)) {
                    warnings.add(line.warning("set_tcp_nodelay false is ignored: Midge always sets TCP_NODELAY "
                            + "(as mosquitto's set_tcp_nodelay true)"));
                }
            }
            case "log_type" -> logType(line);
            case "log_dest" -> logDest(line, warnings);
            case "user" -> user.set(line, Values.text(line));
            case "pid_file" -> pidFile.set(line, Values.path(line));
            case "midge_enrollment_port" -> enrollmentPort = Values.integer(line, 0, 65535);
            case "midge_clientid_binding" -> clientIdBinding = Values.keyword(line, BrokerConfig.ClientIdBinding.class);
            case "midge_clientid_takeover" -> clientIdTakeover = Values.keyword(line, BrokerConfig.ClientIdTakeover.class);
            case "midge_enrollment_bind" -> enrollmentBind.set(line, Values.word(line));
            // A topic is at most 65,535 bytes, so it has fewer levels than that.
            case "midge_max_topic_levels" -> maxTopicLevels = Values.integer(line, 0, 65535);
            case "midge_ocsp_port" -> ocspPort = Values.integer(line, 0, 65535);
            case "midge_ocsp_url" -> ocspUrl.set(line, ocspUrl(line));
            case "max_inflight_bytes", "queue_qos0_messages", "upgrade_outgoing_qos",
                 "midge_max_publisher_pause_ms", "memory_limit" -> queue = queueOption(line, queue);
            // mosquitto 2.0 warns and ignores it: MQTT 3.1.1 and 5 resend only when a client reconnects.
            case "retry_interval" -> warnings.add(line.warning("retry_interval is obsolete and ignored, as in "
                    + "mosquitto 2.0 (\"The retry_interval option is no longer available\"): unacknowledged messages "
                    + "are resent when the client reconnects, as MQTT 3.1.1 and 5 require"));
            // mosquitto refuses less than 20 bytes (no CONNECT would fit).
            case "log_timestamp" -> logTimestamp = Values.bool(line);
            case "connection_messages" -> connectionMessages = Values.bool(line);
            case "websockets_log_level" -> websocketsLogLevel = Values.integer(line, 0, Integer.MAX_VALUE);
            // mosquitto: 0..7 are local0..local7; anything else stops start-up ("Invalid log_facility value").
            case "log_facility" -> syslogFacility = LogOptions.LOG_LOCAL0 + Values.integer(line, 0, 7);
            // mosquitto's bounds; the largest also bounds what an unauthenticated WebSocket client can cost.
            case "websockets_headers_size" -> websocketsHeadersSize = Values.integer(line, 0, 65_535);
            case "log_timestamp_format" -> logTimestampFormat.set(line, strftime(line));
            case "max_packet_size" -> maxPacketSize = Values.integer(line, 20, BrokerConfig.MQTT_MAX_PAYLOAD);
            case "persistent_client_expiration" -> persistentClientExpiration.set(line, expiration(line));
            default -> throw new IllegalArgumentException(line.option());
        }
    }

    private static QueueOptions queueOption(ConfLine line, QueueOptions q) {
        long inflightBytes = q.maxInflightBytes();
        boolean qos0 = q.queueQos0Messages();
        boolean upgrade = q.upgradeOutgoingQos();
        int pause = q.maxPublisherPauseMs();
        long memory = q.memoryLimit();
        switch (line.option()) {
            // mosquitto: a negative value means 0 (no limit).
            case "max_inflight_bytes" -> inflightBytes = Math.max(0, Values.longInteger(line, Long.MIN_VALUE,
                    Long.MAX_VALUE));
            case "queue_qos0_messages" -> qos0 = Values.bool(line);
            case "upgrade_outgoing_qos" -> upgrade = Values.bool(line);
            case "midge_max_publisher_pause_ms" -> pause = Values.integer(line, 0, 3_600_000);
            // mosquitto reads a size_t; 0 is no limit.
            case "memory_limit" -> memory = Values.longInteger(line, 0, Long.MAX_VALUE);
            default -> throw new IllegalArgumentException(line.option());
        }
        return new QueueOptions(inflightBytes, qos0, upgrade, pause, memory);
    }

    /**
     * mosquitto's duration: a positive number with a unit, h(ours), d(ays), w(eeks), m(onths of 30
     * days) or y(ears of 365 days); mosquitto has no seconds here either.
     */
    private static long expiration(ConfLine line) {
        String value = Values.word(line);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})([hdwmy])").matcher(value);
        long seconds = 0;
        if (m.matches()) {
            long unit = switch (m.group(2)) {
                case "h" -> 3600;
                case "d" -> 86_400;
                case "w" -> 7 * 86_400;
                case "m" -> 30 * 86_400;
                default -> 365 * 86_400;
            };
            seconds = Long.parseLong(m.group(1)) * unit;
        }
        if (seconds <= 0 || seconds >= 0xFFFFFFFFL) {
            throw line.error("'" + value + "' is not a valid persistent_client_expiration; use a number and a unit "
                    + "h, d, w, m or y (e.g. 14d), of at most 136y");
        }
        return seconds;
    }

    /** A strftime format using only the directives Midge can show (the rest of the line, blanks included). */
    private static String strftime(ConfLine line) {
        String format = Values.text(line);
        for (int i = 0; i < format.length(); i++) {
            if (format.charAt(i) == '%' && i + 1 < format.length()) {
                char d = format.charAt(++i);
                if (d != '%' && !LogOptions.STRFTIME.containsKey(d)) {
                    throw line.error("log_timestamp_format: %" + d + " is not supported by Midge; use "
                            + "%Y %y %m %d %e %H %I %M %S %p %b %B %a %A %j %F %T %R %z %Z or %%");
                }
            }
        }
        return format;
    }

    /** An absolute http or https URL: it is written into certificates, where a typo lives for years. */
    private static String ocspUrl(ConfLine line) {
        String url = Values.word(line);
        try {
            java.net.URI uri = new java.net.URI(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return url;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw line.error("'" + url + "' is not a valid midge_ocsp_url; use an http:// URL such as "
                + "http://ca.example.com:8080/ocsp");
    }

    /** Each line adds types; "none" clears, "all" sets every type. Several per line are fine. */
    private void logType(ConfLine line) {
        if (logTypes == null) {
            logTypes = EnumSet.noneOf(LogType.class);
        }
        for (String word : Values.words(line)) {
            if (word.startsWith("#")) {
                break;
            }
            switch (word) {
                case "none" -> logTypes.clear();
                case "all" -> logTypes.addAll(EnumSet.allOf(LogType.class));
                default -> logTypes.add(Values.keyword(new ConfLine(line.at(), line.option(), word), LogType.class));
            }
        }
    }

    /**
     * Each line adds destinations ("none" clears). "file" takes the rest of the line as its
     * path; other destinations may share a line.
     */
    private void logDest(ConfLine line, List<ConfigWarning> warnings) {
        if (logDestinations == null) {
            logDestinations = EnumSet.noneOf(LogDestination.class);
        }
        String rest = line.value();
        while (!rest.isEmpty() && !rest.startsWith("#")) {
            String kind = Values.words(new ConfLine(line.at(), line.option(), rest))[0];
            rest = rest.substring(kind.length()).strip();
            switch (kind) {
                case "none" -> {
                    logDestinations.clear();
                    logDestNone = true;
                }
                case "stdout" -> logDestinations.add(LogDestination.STDOUT);
                case "stderr" -> logDestinations.add(LogDestination.STDERR);
                case "file" -> {
                    if (rest.isEmpty()) {
                        throw line.error("log_dest file needs a file name");
                    }
                    logFile.set(new ConfLine(line.at(), "log_dest file", rest), Path.of(rest));
                    logDestinations.add(LogDestination.FILE);
                    return;
                }
                case "topic" -> logDestinations.add(LogDestination.TOPIC);
                case "syslog" -> logDestinations.add(LogDestination.SYSLOG);
                case "dlt" -> warnings.add(line.warning("log_dest dlt is ignored: DLT (the automotive Diagnostic Log "
                        + "and Trace daemon) needs its C library, which a JVM does not have; mosquitto too logs nothing "
                        + "there unless built with it and the daemon's /tmp/dlt FIFO is open"));
                default -> throw line.error("'" + kind + "' is not a valid value for log_dest; use stdout, "
                        + "stderr, file PATH, syslog, topic, dlt or none");
            }
        }
    }

    /** Only dlt asked for: log to stderr rather than nowhere (it was warned). */
    private Set<LogDestination> logDestinations() {
        if (logDestinations == null || (logDestinations.isEmpty() && !logDestNone)) {
            return EnumSet.of(LogDestination.STDERR);
        }
        return logDestinations;
    }

    BrokerConfig build(Path source, List<ListenerConfig> listeners, boolean localOnly,
                       boolean perListenerSettings, SecurityConfig security, AccessOptions access,
                       List<BridgeConfig> bridges) {
        return new BrokerConfig(source, listeners, localOnly, perListenerSettings, security, messageSizeLimit,
                maxInflightMessages, maxQueuedMessages, maxQueuedBytes, maxKeepalive, retainAvailable,
                persistence, persistenceLocation.get(), autosaveInterval,
                logTypes != null ? logTypes : DEFAULT_LOG_TYPES,
                logDestinations(),
                logDestinations != null && logDestinations.contains(LogDestination.FILE) ? logFile.get() : null,
                user.get(), user.at(), pidFile.get(), enrollmentPort, enrollmentBind.get(), clientIdBinding,
                clientIdTakeover, maxTopicLevels, ocspPort, ocspUrl.get(), queue, null, access,
                persistentClientExpiration.isSet() ? persistentClientExpiration.get() : 0, maxPacketSize,
                new LogOptions(logTimestamp, logTimestampFormat.get(), connectionMessages,
                        websocketsLogLevel, syslogFacility), bridges, null, websocketsHeadersSize);
    }
}

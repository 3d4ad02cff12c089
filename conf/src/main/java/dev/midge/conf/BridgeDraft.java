package dev.midge.conf;

import dev.midge.conf.BridgeConfig.Address;
import dev.midge.conf.BridgeConfig.BridgeTls;
import dev.midge.conf.BridgeConfig.ProtocolVersion;
import dev.midge.conf.BridgeConfig.StartType;
import dev.midge.conf.BridgeTopic.Direction;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The lines of one bridge block, read with mosquitto 2.0's meaning (src/conf.c) and checked at
 * their line: what would connect in the clear although TLS was asked for, or cannot be honoured,
 * stops start-up.
 */
final class BridgeDraft {

    private final String name;
    private final ConfigLocation declaredAt;
    private final List<Address> addresses = new ArrayList<>();
    private ConfigLocation addressAt;
    private boolean roundRobin;
    private StartType startType = StartType.AUTOMATIC;
    private int restartTimeout = 5;
    private int backoffCap = 30;
    private int idleTimeout = 60;
    private int threshold = 10;
    private final List<BridgeTopic> topics = new ArrayList<>();
    private ProtocolVersion protocolVersion = ProtocolVersion.MQTTV311;
    private boolean cleanSession;
    private Boolean localCleanSession;
    private final Setting<String> remoteClientId = new Setting<>();
    private final Setting<String> localClientId = new Setting<>();
    private final Setting<String> remoteUsername = new Setting<>();
    private final Setting<String> remotePassword = new Setting<>();
    private int keepalive = 60;
    private boolean notifications = true;
    private final Setting<String> notificationTopic = new Setting<>();
    private boolean notificationsLocalOnly;
    private boolean tryPrivate = true;
    private boolean attemptUnsubscribe = true;
    private boolean outgoingRetain = true;
    private long maxPacketSize;
    private final Setting<java.nio.file.Path> cafile = new Setting<>();
    private final Setting<java.nio.file.Path> capath = new Setting<>();
    private final Setting<java.nio.file.Path> certfile = new Setting<>();
    private final Setting<java.nio.file.Path> keyfile = new Setting<>();
    private boolean insecure;
    private String tlsVersion;
    private ConfigLocation tlsVersionAt;
    private final Setting<String> alpn = new Setting<>();
    private final Setting<String> pskIdentity = new Setting<>();
    private final Setting<String> psk = new Setting<>();

    BridgeDraft(ConfLine connection) {
        this.name = Values.word(connection);
        this.declaredAt = connection.at();
    }

    String name() {
        return name;
    }

    void apply(ConfLine line, List<ConfigWarning> warnings) {
        switch (line.option()) {
            case "address", "addresses" -> addresses(line);
            case "round_robin" -> roundRobin = Values.bool(line);
            case "start_type" -> startType = Values.keyword(line, StartType.class);
            case "restart_timeout" -> restartTimeout(line);
            case "idle_timeout" -> idleTimeout = Values.integer(line, 1, Integer.MAX_VALUE);
            // mosquitto: "threshold too low, using 1 message".
            case "threshold" -> threshold = Math.max(1, Values.integer(line, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case "topic" -> topics.add(topic(line));
            case "bridge_protocol_version" -> protocolVersion = Values.keyword(line, ProtocolVersion.class);
            case "cleansession" -> cleanSession = Values.bool(line);
            case "local_cleansession" -> localCleanSession = Values.bool(line);
            case "clientid", "remote_clientid" -> remoteClientId.set(line, clientId(line));
            case "local_clientid" -> localClientId.set(line, clientId(line));
            case "username", "remote_username" -> remoteUsername.set(line, Values.text(line));
            case "password", "remote_password" -> remotePassword.set(line, Values.text(line));
            // mosquitto: "keepalive interval too low, using 5 seconds".
            case "keepalive_interval" -> keepalive = Math.max(5, Values.integer(line, Integer.MIN_VALUE, 65535));
            case "notifications" -> notifications = Values.bool(line);
            case "notification_topic" -> notificationTopic.set(line, topicName(line, Values.word(line)));
            case "notifications_local_only" -> notificationsLocalOnly = Values.bool(line);
            case "try_private" -> tryPrivate = Values.bool(line);
            case "bridge_attempt_unsubscribe" -> attemptUnsubscribe = Values.bool(line);
            case "bridge_outgoing_retain" -> outgoingRetain = Values.bool(line);
            case "bridge_max_packet_size" -> maxPacketSize = Values.longInteger(line, 0, 268_435_460L);
            case "bridge_cafile" -> cafile.set(line, Values.path(line));
            case "bridge_capath" -> capath.set(line, Values.path(line));
            case "bridge_certfile" -> certfile.set(line, Values.path(line));
            case "bridge_keyfile" -> keyfile.set(line, Values.path(line));
            case "bridge_insecure" -> insecure = Values.bool(line);
            case "bridge_tls_version" -> tlsVersion(line);
            case "bridge_alpn" -> alpn.set(line, Values.word(line));
            case "bridge_require_ocsp" -> {
                if (Values.bool(line)) {
                    throw line.error(OptionTable.refusal(line.option(), "Midge's bridges cannot ask the remote "
                            + "broker for a stapled OCSP response, so a revoked remote certificate would be accepted"));
                }
            }
            case "bridge_identity" -> pskIdentity.set(line, Values.word(line));
            case "bridge_psk" -> psk.set(line, pskKey(line));
            case "local_username", "local_password" -> throw line.error(OptionTable.refusal(line.option(),
                    "Midge's bridges act locally as a trusted client that the ACL does not restrict (as mosquitto's "
                            + "without local_username), so the restriction you asked for would be missing"));
            default -> warnings.add(line.warning(OptionTable.notSupported(line.option())));
        }
    }

    /** Several hosts per line (mosquitto's "address a:1883 b:1883"), a port after the last ':'. */
    private void addresses(ConfLine line) {
        if (addressAt != null) {
            throw line.error("duplicate " + line.option() + ": already set at " + addressAt + " (give several "
                    + "addresses on one line)");
        }
        addressAt = line.at();
        for (String word : Values.words(line)) {
            if (word.startsWith("#")) {
                break;
            }
            int colon = word.lastIndexOf(':');
            String host = word;
            int port = 1883;
            if (colon >= 0) {
                host = word.substring(0, colon);
                port = Values.integer(new ConfLine(line.at(), "the port of bridge address '" + word + "'",
                        word.substring(colon + 1)), 1, 65535);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                throw line.error("bridge address '" + word + "' has no host");
            }
            addresses.add(new Address(host, port));
        }
    }

    /** "restart_timeout N" waits N seconds each time; "restart_timeout BASE CAP" backs off with jitter. */
    private void restartTimeout(ConfLine line) {
        String[] words = Values.words(line);
        restartTimeout = Math.max(1, Values.integer(new ConfLine(line.at(), line.option(), words[0]),
                Integer.MIN_VALUE, Integer.MAX_VALUE));
        backoffCap = 0;
        if (words.length > 1 && !words[1].startsWith("#")) {
            if (words.length > 2 && !words[2].startsWith("#")) {
                throw line.error("unexpected '" + words[2] + "' after the value of restart_timeout");
            }
            backoffCap = Values.integer(new ConfLine(line.at(), "the backoff cap of restart_timeout", words[1]),
                    Integer.MIN_VALUE, Integer.MAX_VALUE);
            if (backoffCap < restartTimeout) {
                throw line.error("the backoff cap " + backoffCap + " of restart_timeout is lower than its base "
                        + restartTimeout);
            }
        }
    }

    /** topic pattern [[[out|in|both] qos] local-prefix remote-prefix], as mosquitto's bridge__add_topic checks it. */
    private static BridgeTopic topic(ConfLine line) {
        String[] words = Values.words(line);
        // The pattern itself may be "#"; after it, a word starting with '#' is a comment.
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < words.length && !words[i].startsWith("#"); i++) {
            rest.add(words[i]);
        }
        if (rest.size() > 4) {
            throw line.error("unexpected '" + rest.get(4) + "' after the remote prefix of topic");
        }
        String pattern = words[0].equals("\"\"") ? null : words[0];
        Direction direction = Direction.OUT;
        int qos = 0;
        String localPrefix = null;
        String remotePrefix = null;
        if (!rest.isEmpty()) {
            direction = switch (rest.get(0).toLowerCase(Locale.ROOT)) {
                case "out" -> Direction.OUT;
                case "in" -> Direction.IN;
                case "both" -> Direction.BOTH;
                default -> throw line.error("'" + rest.get(0) + "' is not a valid bridge topic direction; use out, "
                        + "in or both");
            };
        }
        if (rest.size() > 1) {
            qos = Values.integer(new ConfLine(line.at(), "the QoS of topic", rest.get(1)), 0, 2);
        }
        if (rest.size() > 2) {
            localPrefix = prefix(line, rest.get(2), "local");
        }
        if (rest.size() > 3) {
            remotePrefix = prefix(line, rest.get(3), "remote");
        }
        if (pattern == null && (localPrefix == null || remotePrefix == null)) {
            throw line.error("topic \"\" needs both a local and a remote prefix (they are then the topics)");
        }
        if (pattern != null && !validFilter(pattern)) {
            throw line.error("'" + pattern + "' is not a valid topic pattern");
        }
        BridgeTopic topic = BridgeTopic.of(pattern, direction, qos, localPrefix, remotePrefix);
        if (!validFilter(topic.localTopic())) {
            throw line.error("invalid bridge topic local prefix and pattern combination '" + topic.localTopic() + "'");
        }
        if (!validFilter(topic.remoteTopic())) {
            throw line.error("invalid bridge topic remote prefix and pattern combination '" + topic.remoteTopic() + "'");
        }
        return topic;
    }

    /** A prefix is a topic name (no wildcards); "" means none. */
    private static String prefix(ConfLine line, String word, String which) {
        if (word.equals("\"\"")) {
            return null;
        }
        if (word.contains("+") || word.contains("#") || word.indexOf('\0') >= 0) {
            throw line.error("invalid bridge topic " + which + " prefix '" + word + "': a prefix cannot contain "
                    + "wildcards");
        }
        return word;
    }

    private static String topicName(ConfLine line, String topic) {
        if (topic.contains("+") || topic.contains("#")) {
            throw line.error("'" + topic + "' is not a valid topic name for " + line.option());
        }
        return topic;
    }

    /** MQTT's filter rules: '#' only last and alone in its level, '+' alone in its level. */
    static boolean validFilter(String filter) {
        if (filter.isEmpty()) {
            return false;
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return false;
            }
            if (level.contains("+") && !level.equals("+")) {
                return false;
            }
        }
        return true;
    }

    private static String clientId(ConfLine line) {
        String id = Values.word(line);
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                throw line.error(line.option() + " contains a control character");
            }
        }
        return id;
    }

    private void tlsVersion(ConfLine line) {
        String version = Values.word(line);
        if (!version.equals("tlsv1.2") && !version.equals("tlsv1.3")) {
            throw line.error("'" + version + "' is not a valid value for bridge_tls_version; use tlsv1.2 or tlsv1.3 "
                    + "(older versions are refused)");
        }
        tlsVersion = version;
        tlsVersionAt = line.at();
    }

    private static String pskKey(ConfLine line) {
        String key = Values.word(line);
        try {
            if (key.length() % 2 != 0 || HexFormat.of().parseHex(key).length == 0) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw line.error("bridge_psk must be the key in hexadecimal, as mosquitto's, not '" + key + "'");
        }
        return key;
    }

    BridgeConfig build() {
        if (addresses.isEmpty()) {
            throw new ConfigException(declaredAt, "bridge '" + name + "' has no address");
        }
        if (topics.isEmpty()) {
            throw new ConfigException(declaredAt, "bridge '" + name + "' has no topic line, so it would carry nothing");
        }
        boolean certificates = cafile.isSet() || capath.isSet() || certfile.isSet() || keyfile.isSet();
        if (psk.isSet() && certificates) {
            throw new ConfigException(psk.at(), "bridge '" + name + "' cannot use both certificates and bridge_psk "
                    + "(as in mosquitto)");
        }
        if (psk.isSet() != pskIdentity.isSet()) {
            ConfigLocation at = psk.isSet() ? psk.at() : pskIdentity.at();
            throw new ConfigException(at, "bridge '" + name + "' needs both bridge_identity and bridge_psk");
        }
        if (certfile.isSet() != keyfile.isSet()) {
            ConfigLocation at = certfile.isSet() ? certfile.at() : keyfile.at();
            throw new ConfigException(at, "bridge '" + name + "' needs both bridge_certfile and bridge_keyfile");
        }
        boolean tls = cafile.isSet() || capath.isSet() || psk.isSet();
        if (!tls) {
            // mosquitto turns TLS on only with a CA: these alone would have it connect in the clear.
            ConfigLocation at = certfile.isSet() ? certfile.at() : tlsVersionAt != null ? tlsVersionAt
                    : alpn.isSet() ? alpn.at() : null;
            if (at != null || insecure) {
                throw new ConfigException(at != null ? at : declaredAt, "bridge '" + name + "' has TLS options "
                        + "but no bridge_cafile, bridge_capath or bridge_psk, so it would connect without TLS");
            }
        }
        String remoteId = remoteClientId.isSet() ? remoteClientId.get() : hostName() + "." + name;
        String localId = localClientId.isSet() ? localClientId.get() : "local." + remoteId;
        return new BridgeConfig(name, declaredAt, addresses, roundRobin, startType, restartTimeout, backoffCap,
                idleTimeout, threshold, topics, protocolVersion, cleanSession,
                localCleanSession != null ? localCleanSession : cleanSession, remoteId, localId,
                remoteUsername.get(), remotePassword.get(), keepalive, notifications, notificationTopic.get(),
                notificationsLocalOnly, tryPrivate, attemptUnsubscribe, outgoingRetain, maxPacketSize,
                new BridgeTls(cafile.get(), capath.get(), certfile.get(), keyfile.get(), insecure, tlsVersion,
                        alpn.get(), pskIdentity.get(), psk.get()));
    }

    /** mosquitto's gethostname(): the default remote client id is HOSTNAME.NAME. */
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}

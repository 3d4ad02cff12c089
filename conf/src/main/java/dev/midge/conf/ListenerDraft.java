package dev.midge.conf;

import dev.midge.conf.ListenerConfig.Protocol;
import dev.midge.conf.ListenerConfig.SocketDomain;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * One listener while its block is read: a {@code listener} line and the options after it, or
 * the default listener ({@code port}, {@code bind_address} and options before any listener).
 */
final class ListenerDraft {

    static final int DEFAULT_PORT = 1883;

    static final Set<String> NAMES = Set.of("protocol", "socket_domain", "max_connections", "max_topic_alias",
            "use_username_as_clientid", "max_qos", "maximum_qos", "mount_point", "bind_interface", "http_dir");

    private final ConfigLocation declaredAt;
    private final String unixSocketPath;
    private int port;
    private String bindAddress;
    private Protocol protocol = Protocol.MQTT;
    private SocketDomain socketDomain;
    private int maxConnections = -1;
    private int maxTopicAlias = 10;
    private boolean useUsernameAsClientId;
    private int maxQos = 2;
    private final Setting<String> mountPoint = new Setting<>();
    private final Setting<String> bindInterface = new Setting<>();
    private final Setting<Path> httpDir = new Setting<>();
    private final TlsDraft tls = new TlsDraft();
    private final SecurityDraft security = new SecurityDraft();
    /** For the default listener: the first line that configured it. */
    private ConfigLocation firstOption;

    private ListenerDraft(ConfigLocation declaredAt, int port, String bindAddress, String unixSocketPath) {
        this.declaredAt = declaredAt;
        this.port = port;
        this.bindAddress = bindAddress;
        this.unixSocketPath = unixSocketPath;
    }

    static ListenerDraft tcp(ConfigLocation at, int port, String bindAddress) {
        return new ListenerDraft(at, port, bindAddress, null);
    }

    /** {@code listener 0 PATH}: a unix socket listener (mosquitto 2.0), served like a TCP one. */
    static ListenerDraft unixSocket(ConfigLocation at, String path) {
        return new ListenerDraft(at, 0, null, path);
    }

    static ListenerDraft defaultListener() {
        return new ListenerDraft(null, 0, null, null);
    }

    boolean isUnixSocket() {
        return unixSocketPath != null;
    }

    /** A listener, TLS or per-listener security option for this listener. */
    void apply(ConfLine line, List<ConfigWarning> warnings) {
        touch(line);
        String option = line.option();
        if (TlsDraft.NAMES.contains(option)) {
            tls.apply(line, warnings);
        } else if (SecurityDraft.NAMES.contains(option)) {
            security.apply(line, warnings);
        } else {
            switch (option) {
                case "protocol" -> protocol = Values.keyword(line, Protocol.class);
                case "socket_domain" -> socketDomain = Values.keyword(line, SocketDomain.class);
                // As mosquitto: any negative number means no limit.
                case "max_connections" -> maxConnections = Math.max(-1,
                        Values.integer(line, Integer.MIN_VALUE, Integer.MAX_VALUE));
                case "max_topic_alias" -> maxTopicAlias = Values.integer(line, 0, 65535);
                case "use_username_as_clientid" -> useUsernameAsClientId = Values.bool(line);
                case "max_qos", "maximum_qos" -> maxQos = Values.integer(line, 0, 2);
                case "mount_point" -> mountPoint.set(line, mountPoint(line));
                case "bind_interface" -> bindInterface.set(line, Values.word(line));
                case "http_dir" -> httpDir.set(line, Values.path(line));
                default -> throw new IllegalArgumentException(option);
            }
        }
    }

    /** A topic prefix: wildcards in it would make every client topic a filter. */
    private static String mountPoint(ConfLine line) {
        String prefix = Values.text(line);
        if (prefix.indexOf('+') >= 0 || prefix.indexOf('#') >= 0 || prefix.chars().anyMatch(Character::isISOControl)) {
            throw line.error("mount_point '" + prefix + "' may not contain '+', '#' or control characters");
        }
        return prefix;
    }

    /** Records that an option (even an ignored one) was given for this listener. */
    void touch(ConfLine line) {
        if (firstOption == null) {
            firstOption = line.at();
        }
    }

    ConfigLocation firstOption() {
        return firstOption;
    }

    void setPort(int port) {
        this.port = port;
    }

    int port() {
        return port;
    }

    void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    SecurityDraft security() {
        return security;
    }

    /**
     * @param effectiveSecurity this listener's own security (per_listener_settings) or the global one
     * @param pskFile           the psk_file in effect for this listener
     * @param createdAt         where the listener was declared (for the default listener: the
     *                          line that made it)
     * @param ownPskFileAt      this listener's own psk_file line (per_listener_settings), or null
     * @param tlsProvider       the provider without a midge_tls_provider line (run --tls-provider)
     * @param warnings          where settings this listener does not use are named
     */
    ListenerConfig build(SecurityConfig effectiveSecurity, Path pskFile, ConfigLocation createdAt,
                         ConfigLocation ownPskFileAt, TlsProviderDefault tlsProvider, List<ConfigWarning> warnings) {
        tls.refuseWhatCannotBeHonoured(pskFile, ownPskFileAt, tlsProvider, warnings);
        if (isUnixSocket()) {
            refuseWhatASocketFileCannotHonour();
        }
        if (httpDir.isSet() && protocol != Protocol.WEBSOCKETS) {
            // mosquitto: "http_dir option is only available for websockets listeners" (a warning).
            warnings.add(new ConfigWarning(httpDir.at(), "http_dir applies only to a websockets listener; ignored"));
        }
        return new ListenerConfig(isUnixSocket() ? 0 : port == 0 ? DEFAULT_PORT : port, bindAddress, protocol, socketDomain,
                maxConnections, maxTopicAlias, useUsernameAsClientId, tls.build(pskFile, tlsProvider), effectiveSecurity,
                declaredAt != null ? declaredAt : createdAt, new ListenerExtras(maxQos, mountPoint.get(), bindInterface.get(),
                bindInterface.at(), isUnixSocket() ? Path.of(unixSocketPath) : null,
                protocol == Protocol.WEBSOCKETS ? httpDir.get() : null));
    }

    /**
     * Network options name addresses a socket file does not have; mosquitto ignores them there, but
     * {@code bind_interface} narrows who may connect, so serving the socket anyway would widen access.
     */
    private void refuseWhatASocketFileCannotHonour() {
        if (bindInterface.get() != null) {
            throw new ConfigException(bindInterface.at(), "bind_interface cannot apply to the unix socket listener "
                    + "at " + declaredAt + " (a socket file has no network interface); remove it");
        }
        if (protocol == Protocol.WEBSOCKETS) {
            // mosquitto 2.0 cannot open it either ("Unable to start any listening sockets").
            throw new ConfigException(declaredAt, "a unix socket listener serves MQTT only, not websockets");
        }
    }
}

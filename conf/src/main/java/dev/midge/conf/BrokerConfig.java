package dev.midge.conf;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A whole mosquitto.conf, parsed and validated. Defaults are mosquitto 2.0's.
 *
 * @param source              the main file (null for {@link MosquittoConf#defaults()})
 * @param listeners           explicit listeners in file order, then the default listener (as
 *                            mosquitto orders them); empty when the file declares none
 * @param localOnly           no {@code listener}, {@code port} or {@code bind_address} at all:
 *                            mosquitto 2.0 then listens on localhost:1883 only and allows
 *                            anonymous clients; the caller decides what to do
 * @param perListenerSettings {@code per_listener_settings}
 * @param security            the global security options (what every listener carries unless
 *                            perListenerSettings)
 * @param messageSizeLimit    {@code message_size_limit}: largest PUBLISH payload, 0 = MQTT maximum
 * @param maxInflightMessages {@code max_inflight_messages}, 0 = no limit (default 20)
 * @param maxQueuedMessages   {@code max_queued_messages}, 0 = no limit (default 1000)
 * @param maxQueuedBytes      {@code max_queued_bytes}, 0 = no limit
 * @param maxKeepalive        {@code max_keepalive} (default 65535)
 * @param retainAvailable     {@code retain_available} (default true)
 * @param persistence         {@code persistence} (default false)
 * @param persistenceLocation {@code persistence_location}, or null for the working directory
 * @param autosaveInterval    {@code autosave_interval} in seconds (default 1800; 0 = only on exit)
 * @param logTypes            {@code log_type}s (default error, warning, notice, information)
 * @param logDestinations     {@code log_dest}s Midge supports (default stderr); empty for none
 * @param logFile             the path of {@code log_dest file PATH}, or null
 * @param user                {@code user}, or null when not set (mosquitto then uses "mosquitto")
 * @param userAt              where {@code user} was set, or null
 * @param pidFile             {@code pid_file}, or null
 * @param enrollmentPort      Midge option {@code midge_enrollment_port}: the HTTPS port of
 *                            certificate enrollment (EST and EJBCA-style); 0 = off (default)
 * @param clientIdBinding     Midge option {@code midge_clientid_binding}: which client ids a username
 *                            may use (default none: any)
 * @param clientIdTakeover    Midge option {@code midge_clientid_takeover}: who may take a client id
 *                            whose session belongs to another username (default username: nobody)
 * @param enrollmentBind      Midge option {@code midge_enrollment_bind}: the address enrollment
 *                            listens on (a host name or IP literal, resolved at start), or null
 *                            for every interface (default)
 * @param maxTopicLevels      Midge option {@code midge_max_topic_levels}: most levels a topic name or
 *                            filter may have; 0 = no limit (default 200, where mosquitto fixes 200 '/')
 * @param ocspPort            Midge option {@code midge_ocsp_port}: the plain-HTTP port of the built-in
 *                            CA's OCSP responder; 0 = off (default)
 * @param ocspUrl             Midge option {@code midge_ocsp_url}: the responder URL certificates issued
 *                            by the built-in CA carry (the operator's public address), or null
 * @param queue               mosquitto's queue/delivery options ({@code max_inflight_bytes},
 *                            {@code queue_qos0_messages}, {@code upgrade_outgoing_qos}) and Midge's flow control
 * @param sys                 {@code sys_interval} and Midge's {@code midge_metrics_listener}
 * @param access              Java plugins and {@code clientid_prefixes} ({@link AccessOptions})
 * @param persistentClientExpiration {@code persistent_client_expiration} in seconds; 0 = never (default)
 * @param maxPacketSize       {@code max_packet_size}: the largest packet a client may send; 0 = no limit (default)
 * @param log                 {@code log_timestamp} and {@code log_timestamp_format} ({@link LogOptions})
 * @param bridges             the bridges ({@code connection} blocks), in file order
 * @param cluster             Midge options {@code midge_cluster_*}: this broker is a node of a cluster; null
 *                            (default) for a broker on its own
 * @param websocketsHeadersSize {@code websockets_headers_size}: the WebSocket upgrade's header bytes, 0 to
 *                            65535; 0 (default) for Midge's 8 KiB
 */
public record BrokerConfig(Path source, List<ListenerConfig> listeners, boolean localOnly,
                           boolean perListenerSettings, SecurityConfig security,
                           int messageSizeLimit, int maxInflightMessages, int maxQueuedMessages,
                           long maxQueuedBytes, int maxKeepalive, boolean retainAvailable,
                           boolean persistence, Path persistenceLocation, int autosaveInterval,
                           Set<LogType> logTypes, Set<LogDestination> logDestinations, Path logFile,
                           String user, ConfigLocation userAt, Path pidFile, int enrollmentPort,
                           String enrollmentBind, ClientIdBinding clientIdBinding, ClientIdTakeover clientIdTakeover,
                           int maxTopicLevels, int ocspPort, String ocspUrl, QueueOptions queue, SysConfig sys,
                           AccessOptions access, long persistentClientExpiration, int maxPacketSize, LogOptions log,
                           List<BridgeConfig> bridges, ClusterOptions cluster, int websocketsHeadersSize) {

    /** MQTT's largest payload: the most message_size_limit may be. */
    public static final int MQTT_MAX_PAYLOAD = 268_435_455;

    public BrokerConfig {
        listeners = List.copyOf(listeners);
        if (queue == null) {
            queue = QueueOptions.defaults();
        }
        if (sys == null) {
            sys = SysConfig.DEFAULT;
        }
        if (access == null) {
            access = AccessOptions.NONE;
        }
        if (log == null) {
            log = LogOptions.DEFAULT;
        }
        logTypes = Set.copyOf(logTypes);
        logDestinations = Set.copyOf(logDestinations);
        bridges = bridges == null ? List.of() : List.copyOf(bridges);
    }

    /** The same config with these {@code $SYS} and metrics options. */
    public BrokerConfig withSys(SysConfig newSys) {
        return new BrokerConfig(source, listeners, localOnly, perListenerSettings, security, messageSizeLimit,
                maxInflightMessages, maxQueuedMessages, maxQueuedBytes, maxKeepalive, retainAvailable, persistence,
                persistenceLocation, autosaveInterval, logTypes, logDestinations, logFile, user, userAt, pidFile,
                enrollmentPort, enrollmentBind, clientIdBinding, clientIdTakeover, maxTopicLevels, ocspPort, ocspUrl,
                queue, newSys, access, persistentClientExpiration, maxPacketSize, log, bridges, cluster,
                websocketsHeadersSize);
    }

    /**
     * The same config with the command line's overrides ({@code run -v}, {@code --pid-file},
     * {@code --bind}) applied; kept here so callers never spell out every component.
     */
    public BrokerConfig withOverrides(List<ListenerConfig> listeners, Set<LogType> logTypes, Path pidFile) {
        return new BrokerConfig(source, listeners, localOnly, perListenerSettings, security, messageSizeLimit,
                maxInflightMessages, maxQueuedMessages, maxQueuedBytes, maxKeepalive, retainAvailable, persistence,
                persistenceLocation, autosaveInterval, logTypes, logDestinations, logFile, user, userAt, pidFile,
                enrollmentPort, enrollmentBind, clientIdBinding, clientIdTakeover, maxTopicLevels, ocspPort, ocspUrl,
                queue, sys, access, persistentClientExpiration, maxPacketSize, log, bridges, cluster,
                websocketsHeadersSize);
    }

    /** The same config as a node of this cluster (null: on its own). */
    public BrokerConfig withCluster(ClusterOptions clusterOptions) {
        return new BrokerConfig(source, listeners, localOnly, perListenerSettings, security, messageSizeLimit,
                maxInflightMessages, maxQueuedMessages, maxQueuedBytes, maxKeepalive, retainAvailable, persistence,
                persistenceLocation, autosaveInterval, logTypes, logDestinations, logFile, user, userAt, pidFile,
                enrollmentPort, enrollmentBind, clientIdBinding, clientIdTakeover, maxTopicLevels, ocspPort, ocspUrl,
                queue, sys, access, persistentClientExpiration, maxPacketSize, log, bridges, clusterOptions,
                websocketsHeadersSize);
    }

    /** {@code log_type} values ("none" is the empty set, "all" every one). */
    public enum LogType { DEBUG, ERROR, WARNING, NOTICE, INFORMATION, SUBSCRIBE, UNSUBSCRIBE, WEBSOCKETS, INTERNAL }

    /** {@code midge_clientid_binding}: any id, the username itself, or the username or {@code username:...}. */
    public enum ClientIdBinding { NONE, EQUAL, PREFIX }

    /**
     * {@code midge_clientid_takeover}: a client id whose session belongs to another username is
     * refused ({@code username}), or taken with that session ended ({@code any}, mosquitto's way).
     */
    public enum ClientIdTakeover { USERNAME, ANY }

    /**
     * The {@code log_dest} values Midge implements: TOPIC is {@code $SYS/broker/log/...}, SYSLOG the local
     * syslog socket; dlt is warned and ignored.
     */
    public enum LogDestination { STDOUT, STDERR, FILE, TOPIC, SYSLOG }
}

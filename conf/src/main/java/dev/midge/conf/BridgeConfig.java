package dev.midge.conf;

import java.nio.file.Path;
import java.util.List;

/**
 * One bridge ({@code connection NAME} and the lines after it), with mosquitto 2.0's defaults.
 *
 * @param name                   the connection name
 * @param declaredAt             the {@code connection} line
 * @param addresses              {@code address}/{@code addresses}: host[:port] in order (port 1883 when left out)
 * @param roundRobin             {@code round_robin}: false (default) treats the first address as the primary and
 *                               returns to it when it is back; true moves on to the next only when one fails
 * @param startType              {@code start_type} (default automatic)
 * @param restartTimeout         {@code restart_timeout}: seconds before reconnecting, or the backoff base
 * @param backoffCap             the backoff cap in seconds ({@code restart_timeout BASE CAP}); 0 = a constant wait.
 *                               mosquitto's default is base 5, cap 30, with jitter
 * @param idleTimeout            {@code idle_timeout}: seconds without traffic before a lazy bridge disconnects (60)
 * @param threshold              {@code threshold}: queued messages that start a lazy bridge (10)
 * @param topics                 the {@code topic} lines, in order
 * @param protocolVersion        {@code bridge_protocol_version} (default mqttv311)
 * @param cleanSession           {@code cleansession} on the remote (default false)
 * @param localCleanSession      {@code local_cleansession} (default: as cleansession)
 * @param remoteClientId         {@code remote_clientid} (default HOSTNAME.NAME)
 * @param localClientId          {@code local_clientid} (default local.REMOTE_CLIENTID)
 * @param remoteUsername         {@code remote_username}, or null
 * @param remotePassword         {@code remote_password}, or null
 * @param keepalive              {@code keepalive_interval} in seconds (default 60, at least 5)
 * @param notifications          {@code notifications} (default true)
 * @param notificationTopic      {@code notification_topic}, or null for $SYS/broker/connection/REMOTE_CLIENTID/state
 * @param notificationsLocalOnly {@code notifications_local_only} (default false)
 * @param tryPrivate             {@code try_private} (default true): tell the remote this is a bridge
 * @param attemptUnsubscribe     {@code bridge_attempt_unsubscribe} (default true)
 * @param outgoingRetain         {@code bridge_outgoing_retain} (default true)
 * @param maxPacketSize          {@code bridge_max_packet_size}: largest packet accepted from the remote, 0 = no limit
 * @param tls                    the TLS or TLS-PSK options; {@link BridgeTls#enabled()} false for plain MQTT
 */
public record BridgeConfig(String name, ConfigLocation declaredAt, List<Address> addresses, boolean roundRobin,
                           StartType startType, int restartTimeout, int backoffCap, int idleTimeout, int threshold,
                           List<BridgeTopic> topics, ProtocolVersion protocolVersion, boolean cleanSession,
                           boolean localCleanSession, String remoteClientId, String localClientId,
                           String remoteUsername, String remotePassword, int keepalive, boolean notifications,
                           String notificationTopic, boolean notificationsLocalOnly, boolean tryPrivate,
                           boolean attemptUnsubscribe, boolean outgoingRetain, long maxPacketSize, BridgeTls tls) {

    public BridgeConfig {
        addresses = List.copyOf(addresses);
        topics = List.copyOf(topics);
    }

    /** One remote address. */
    public record Address(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** {@code start_type}. */
    public enum StartType { AUTOMATIC, LAZY, ONCE }

    /** {@code bridge_protocol_version}. */
    public enum ProtocolVersion { MQTTV31, MQTTV311, MQTTV50 }

    /**
     * The bridge's TLS: certificates ({@code bridge_cafile}/{@code bridge_capath}, optionally
     * {@code bridge_certfile} + {@code bridge_keyfile}) or TLS-PSK ({@code bridge_identity} + {@code bridge_psk}).
     *
     * @param tlsVersion tlsv1.2 or tlsv1.3, or null for both
     * @param alpn       {@code bridge_alpn}, or null
     * @param psk        the PSK in hex, or null
     */
    public record BridgeTls(Path cafile, Path capath, Path certfile, Path keyfile, boolean insecure, String tlsVersion,
                            String alpn, String pskIdentity, String psk) {

        public boolean enabled() {
            return cafile != null || capath != null || psk != null;
        }

        public boolean isPsk() {
            return psk != null;
        }
    }
}

package dev.midge.broker.bridge;

import java.util.List;
import java.util.Objects;

/**
 * One bridge: an MQTT client inside the broker that carries messages between this broker and a
 * remote one, with mosquitto's bridge semantics. Nothing here knows a file format; the CLI
 * builds it from a mosquitto.conf {@code connection} block.
 *
 * @param name                   the connection name (for log lines and {@link BridgeStatus})
 * @param addresses              the remote brokers, the first the primary
 * @param roundRobin             false: go back to the primary once it answers again; true: stay on
 *                               whichever address works until it fails
 * @param startType              when the bridge connects
 * @param restartTimeout         seconds before reconnecting, or the backoff base when {@code backoffCap} > 0
 * @param backoffCap             most seconds between attempts with backoff and jitter; 0 = a constant wait
 * @param idleTimeout            a lazy bridge disconnects after this many seconds without a message
 * @param threshold              a lazy bridge connects once this many messages wait for it
 * @param topics                 what travels which way, with prefixes
 * @param protocol               the MQTT version spoken to the remote
 * @param cleanSession           clean session on the remote
 * @param localCleanSession      false: the local queue outlives a broker restart (with persistence)
 * @param remoteClientId         the client id on the remote
 * @param localClientId          the client id of the bridge's local session
 * @param username               remote username, or null
 * @param password               remote password, or null
 * @param keepalive              seconds
 * @param notifications          publish 1/0 retained on the notification topic when connected/lost
 * @param notificationTopic      the notification topic ($SYS/broker/connection/REMOTE_ID/state if null)
 * @param notificationsLocalOnly notify only the local broker (no will, no remote publish)
 * @param tryPrivate             mark the CONNECT as a bridge's (protocol level | 0x80), as mosquitto does
 * @param attemptUnsubscribe     unsubscribe on the remote from out-only topics
 * @param outgoingRetain         forward the RETAIN flag of outgoing messages as published
 * @param maxPacketSize          largest packet accepted from the remote; 0 = MQTT's maximum
 * @param transport              TLS or TLS-PSK for the remote connection, or null for plain TCP
 */
public record BridgeOptions(String name, List<Address> addresses, boolean roundRobin, StartType startType,
                            int restartTimeout, int backoffCap, int idleTimeout, int threshold, List<Topic> topics,
                            Protocol protocol, boolean cleanSession, boolean localCleanSession, String remoteClientId,
                            String localClientId, String username, byte[] password, int keepalive,
                            boolean notifications, String notificationTopic, boolean notificationsLocalOnly,
                            boolean tryPrivate, boolean attemptUnsubscribe, boolean outgoingRetain, long maxPacketSize,
                            BridgeTransport transport) {

    public BridgeOptions {
        Objects.requireNonNull(name, "name");
        addresses = List.copyOf(addresses);
        topics = List.copyOf(topics);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("bridge " + name + " needs an address");
        }
        if (notificationTopic == null) {
            notificationTopic = "$SYS/broker/connection/" + remoteClientId + "/state";
        }
    }

    /** A remote broker's host and port; the host is resolved off the event loop at each attempt. */
    public record Address(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * One topic line: messages on {@code localTopic} go out as {@code remoteTopic} (local prefix
     * replaced by the remote one) and the other way in, as mosquitto remaps them.
     */
    public record Topic(Direction direction, int qos, String localPrefix, String remotePrefix, String localTopic,
                        String remoteTopic) {
    }

    public enum Direction { OUT, IN, BOTH;

        boolean outgoing() {
            return this != IN;
        }

        boolean incoming() {
            return this != OUT;
        }
    }

    public enum StartType { AUTOMATIC, LAZY, ONCE }

    public enum Protocol { MQTT_3_1, MQTT_3_1_1, MQTT_5 }
}

package dev.midge.broker;

import dev.midge.broker.cluster.ClusterLink;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.security.AuthPlugin;
import dev.midge.broker.security.Authenticator;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdBinding;
import dev.midge.broker.security.ClientIdTakeover;
import dev.midge.broker.session.Session;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a broker needs to start, as one immutable value. Build with {@link #builder()}.
 *
 * @param listeners           the sockets to listen on (at least one)
 * @param authenticator       who may connect, unless a listener has its own
 * @param authorizer          who may publish and read what, unless a listener has its own
 * @param messageSizeLimit    largest PUBLISH payload accepted in bytes; 0 for the MQTT maximum
 * @param maxInflightMessages QoS 1/2 messages in flight to one client at once (v5: also the
 *                            broker's Receive Maximum); mosquitto's default is 20
 * @param maxQueuedMessages   QoS 1/2 messages queued per client beyond those in flight; 0 for no limit
 * @param maxQueuedBytes      bytes of payload queued per client; 0 for no limit
 * @param maxKeepalive        the most keep alive seconds a client may ask for; v5 clients asking
 *                            for more (or 0) get this as Server Keep Alive; 3.1.1 clients, which cannot
 *                            be told, keep theirs (as in mosquitto); mosquitto's default 65535
 * @param retainAvailable     whether retained messages are kept
 * @param maxTopicAlias       v5 Topic Alias Maximum the broker accepts from clients; mosquitto's default 10
 * @param maxTopicLevels      most levels a topic name or filter may have (default 200; 0 for no limit): a
 *                            client sending more is disconnected, as mosquitto does past 200 '/'
 * @param persistenceLocation directory of the durable store (retained messages, persistent sessions,
 *                            their queued and in-flight messages), or null to keep state in memory only
 * @param discardCorruptStore at start-up, move an unreadable store aside and start empty instead of
 *                            refusing to start
 * @param clientIdTakeover    whether a client may take a client id whose session belongs to another
 *                            username (default {@link ClientIdTakeover#SAME_USERNAME}: refused)
 * @param clientIdBinding     which client ids a username may use (default {@link ClientIdBinding#NONE})
 * @param fileWatcher         the watcher keeping this broker's files live (ACL, password file, TLS
 *                            material), or null; the broker owns it and closes it with itself
 * @param restoreClock        the wall clock against which restored sessions and messages expire at
 *                            start-up; always the system clock, except in tests (package-private setter),
 *                            which so prove "expired while the broker was down" without waiting
 * @param delivery            flow control and mosquitto's queue/delivery options ({@link DeliveryOptions#defaults()})
 * @param sys                 {@code $SYS} topics ({@code sys_interval}) and the metrics endpoint
 * @param access              plugins and client id prefixes ({@link AccessPolicy}); default none
 * @param persistentClientExpiration mosquitto's {@code persistent_client_expiration} in seconds: a session
 *                            that would never expire (3.1.1 clean session 0, v5 Session Expiry 0xFFFFFFFF)
 *                            ends this long after its client disconnected, also one restored from the
 *                            store; 0 (default) keeps such sessions until the client comes back
 * @param maxPacketSize       mosquitto's {@code max_packet_size}: the largest packet, in bytes, any client
 *                            may send (v5 clients are told it as Maximum Packet Size; a larger packet ends the
 *                            connection, v5 with DISCONNECT 0x95); 0 (default) for the MQTT maximum
 * @param cluster             the cluster this broker is a node of, or null (default) for a broker on its
 *                            own; the broker joins it at start and closes it with itself
 * @param webSocketHeadersSize mosquitto's {@code websockets_headers_size}: the most header bytes a
 *                            WebSocket upgrade request may carry, 1 to {@link #MAX_WEBSOCKET_HEADERS_SIZE};
 *                            0 (default) for {@link #DEFAULT_WEBSOCKET_HEADERS_SIZE}
 */
public record BrokerOptions(List<ListenerOptions> listeners, Authenticator authenticator, Authorizer authorizer,
                            int messageSizeLimit, int maxInflightMessages, int maxQueuedMessages,
                            long maxQueuedBytes, int maxKeepalive, boolean retainAvailable, int maxTopicAlias,
                            int maxTopicLevels, Path persistenceLocation, boolean discardCorruptStore,
                            ClientIdTakeover clientIdTakeover, ClientIdBinding clientIdBinding,
                            FileWatcher fileWatcher, Clock restoreClock, DeliveryOptions delivery, SysOptions sys,
                            AccessPolicy access, long persistentClientExpiration, int maxPacketSize,
                            ClusterLink cluster, int webSocketHeadersSize) {

    /** The upgrade's headers when websockets_headers_size is unset: Netty's HttpServerCodec default. */
    public static final int DEFAULT_WEBSOCKET_HEADERS_SIZE = 8192;
    /** mosquitto's own ceiling; it also bounds what an unauthenticated WebSocket client can cost. */
    public static final int MAX_WEBSOCKET_HEADERS_SIZE = 65_535;

    public BrokerOptions {
        if (webSocketHeadersSize < 0 || webSocketHeadersSize > MAX_WEBSOCKET_HEADERS_SIZE) {
            throw new IllegalArgumentException("webSocketHeadersSize must be 0 (default) or 1 to "
                    + MAX_WEBSOCKET_HEADERS_SIZE + ", not " + webSocketHeadersSize);
        }
        if (webSocketHeadersSize == 0) {
            webSocketHeadersSize = DEFAULT_WEBSOCKET_HEADERS_SIZE;
        }
        listeners = List.copyOf(listeners);
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("a broker needs at least one listener");
        }
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(authorizer, "authorizer");
        Objects.requireNonNull(clientIdTakeover, "clientIdTakeover");
        Objects.requireNonNull(clientIdBinding, "clientIdBinding");
        Objects.requireNonNull(restoreClock, "restoreClock");
        Objects.requireNonNull(delivery, "delivery");
        if (sys == null) {
            sys = SysOptions.DEFAULT;
        }
        Objects.requireNonNull(access, "access");
        if (maxPacketSize != 0 && (maxPacketSize < 20 || maxPacketSize > 268_435_455)) {
            throw new IllegalArgumentException("maxPacketSize must be 0 (no limit) or 20 to 268435455, not " + maxPacketSize);
        }
        if (persistentClientExpiration < 0 || persistentClientExpiration >= Session.NEVER_EXPIRES) {
            throw new IllegalArgumentException("persistentClientExpiration must be 0 (never) or 1 to 4294967294 "
                    + "seconds, not " + persistentClientExpiration);
        }
        if (maxTopicLevels < 0) {
            throw new IllegalArgumentException("maxTopicLevels must be 0 (no limit) or more, not " + maxTopicLevels);
        }
    }

    /** A session's expiry interval once {@code persistent_client_expiration} is applied to it. */
    public long sessionExpiry(long requested) {
        return requested == Session.NEVER_EXPIRES && persistentClientExpiration > 0 ? persistentClientExpiration
                : requested;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<ListenerOptions> listeners = new ArrayList<>();
        private Authenticator authenticator = Authenticator.allowAnonymous();
        private Authorizer authorizer = Authorizer.allowAll();
        private int messageSizeLimit = 0;
        private int maxInflightMessages = 20;
        private int maxQueuedMessages = 1000;
        private long maxQueuedBytes = 0;
        private int maxKeepalive = 65535;
        private boolean retainAvailable = true;
        private int maxTopicAlias = 10;
        private int maxTopicLevels = 200;
        private Path persistenceLocation;
        private boolean discardCorruptStore;
        private ClientIdTakeover clientIdTakeover = ClientIdTakeover.SAME_USERNAME;
        private ClientIdBinding clientIdBinding = ClientIdBinding.NONE;
        private FileWatcher fileWatcher;
        private Clock restoreClock = Clock.systemUTC();
        private DeliveryOptions delivery = DeliveryOptions.defaults();
        private SysOptions sys = SysOptions.DEFAULT;
        private AccessPolicy access = AccessPolicy.NONE;
        private long persistentClientExpiration;
        private int maxPacketSize;
        private ClusterLink cluster;
        private int webSocketHeadersSize;

        public Builder listener(ListenerOptions listener) { listeners.add(listener); return this; }
        public Builder authenticator(Authenticator a) { authenticator = a; return this; }
        public Builder authorizer(Authorizer a) { authorizer = a; return this; }
        public Builder messageSizeLimit(int bytes) { messageSizeLimit = bytes; return this; }
        public Builder maxInflightMessages(int n) { maxInflightMessages = n; return this; }
        public Builder maxQueuedMessages(int n) { maxQueuedMessages = n; return this; }
        public Builder maxQueuedBytes(long bytes) { maxQueuedBytes = bytes; return this; }
        public Builder maxKeepalive(int seconds) { maxKeepalive = seconds; return this; }
        public Builder retainAvailable(boolean b) { retainAvailable = b; return this; }
        public Builder maxTopicAlias(int n) { maxTopicAlias = n; return this; }
        public Builder maxTopicLevels(int n) { maxTopicLevels = n; return this; }
        /** Keeps durable state in this directory (created if missing); null keeps it in memory only. */
        public Builder persistence(Path directory) { persistenceLocation = directory; return this; }
        public Builder discardCorruptStore(boolean b) { discardCorruptStore = b; return this; }
        public Builder clientIdTakeover(ClientIdTakeover t) { clientIdTakeover = t; return this; }
        public Builder clientIdBinding(ClientIdBinding b) { clientIdBinding = b; return this; }
        /** The watcher the authenticator, authoriser and TLS listeners reload through; closed with the broker. */
        public Builder fileWatcher(FileWatcher w) { fileWatcher = w; return this; }
        /** Asked after the authenticator and authoriser; all must allow. The caller closes it. */
        public Builder plugin(AuthPlugin p) { access = access.withPlugin(Objects.requireNonNull(p)); return this; }
        /** mosquitto's {@code clientid_prefixes}: only client ids starting with this may connect. */
        public Builder clientIdPrefixes(String prefix) { access = access.withClientIdPrefixes(prefix); return this; }
        /** mosquitto's {@code check_retain_source} (default true; {@link AccessPolicy#checkRetainSource()}). */
        public Builder checkRetainSource(boolean check) { access = access.withCheckRetainSource(check); return this; }
        /** mosquitto's {@code persistent_client_expiration}: sessions that would never expire end this long after a disconnect. */
        public Builder persistentClientExpiration(long seconds) { persistentClientExpiration = seconds; return this; }
        /** mosquitto's {@code max_packet_size}: the largest packet a client may send; 0 for no limit. */
        public Builder maxPacketSize(int bytes) { maxPacketSize = bytes; return this; }
        /** Tests only: a clock ahead of the system's stands for time the broker spent down. */
        Builder restoreClock(Clock c) { restoreClock = c; return this; }
        /** Flow control and mosquitto's queue/delivery options. */
        public Builder delivery(DeliveryOptions d) { delivery = d; return this; }

        /** {@code $SYS} topics and the metrics endpoint, whole. */
        public Builder sys(SysOptions s) { sys = s; return this; }
        /** mosquitto's {@code sys_interval}: seconds between {@code $SYS} updates (default 10), 0 for none. */
        public Builder sysInterval(int seconds) { sys = sys.withSysInterval(seconds); return this; }
        /** Serves {@code /metrics} (Prometheus) and {@code /health} over HTTP on this address; off by default. */
        public Builder metricsListener(java.net.InetSocketAddress address) { sys = sys.withMetricsListener(address); return this; }
        /** Figures of another module, under {@code $SYS/broker/midge/} and in {@code /metrics}. */
        public Builder figureSource(dev.midge.broker.metrics.FigureSource source) { sys = sys.withFigureSource(source); return this; }
        /** Makes the broker a node of this cluster (joined at start, closed with the broker). */
        public Builder cluster(ClusterLink link) { cluster = link; return this; }
        public Builder webSocketHeadersSize(int bytes) { webSocketHeadersSize = bytes; return this; }

        public BrokerOptions build() {
            return new BrokerOptions(listeners, authenticator, authorizer, messageSizeLimit, maxInflightMessages,
                    maxQueuedMessages, maxQueuedBytes, maxKeepalive, retainAvailable, maxTopicAlias,
                    maxTopicLevels, persistenceLocation, discardCorruptStore, clientIdTakeover, clientIdBinding,
                    fileWatcher, restoreClock, delivery, sys, access, persistentClientExpiration, maxPacketSize,
                    cluster, webSocketHeadersSize);
        }
    }
}

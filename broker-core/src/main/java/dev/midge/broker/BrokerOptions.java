package dev.midge.broker;

import dev.midge.broker.cluster.ClusterLink;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.security.Authenticator;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdBinding;
import dev.midge.broker.security.ClientIdTakeover;

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
 * @param cluster             the cluster this broker is a node of, or null (default) for a broker on its
 *                            own; the broker joins it at start and closes it with itself
 */
public record BrokerOptions(List<ListenerOptions> listeners, Authenticator authenticator, Authorizer authorizer,
                            int messageSizeLimit, int maxInflightMessages, int maxQueuedMessages,
                            long maxQueuedBytes, int maxKeepalive, boolean retainAvailable, int maxTopicAlias,
                            int maxTopicLevels, Path persistenceLocation, boolean discardCorruptStore,
                            ClientIdTakeover clientIdTakeover, ClientIdBinding clientIdBinding,
                            FileWatcher fileWatcher, Clock restoreClock, ClusterLink cluster) {

    public BrokerOptions {
        listeners = List.copyOf(listeners);
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("a broker needs at least one listener");
        }
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(authorizer, "authorizer");
        Objects.requireNonNull(clientIdTakeover, "clientIdTakeover");
        Objects.requireNonNull(clientIdBinding, "clientIdBinding");
        Objects.requireNonNull(restoreClock, "restoreClock");
        if (maxTopicLevels < 0) {
            throw new IllegalArgumentException("maxTopicLevels must be 0 (no limit) or more, not " + maxTopicLevels);
        }
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
        private ClusterLink cluster;

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
        /** Tests only: a clock ahead of the system's stands for time the broker spent down. */
        Builder restoreClock(Clock c) { restoreClock = c; return this; }
        /** Makes the broker a node of this cluster (joined at start, closed with the broker). */
        public Builder cluster(ClusterLink link) { cluster = link; return this; }

        public BrokerOptions build() {
            return new BrokerOptions(listeners, authenticator, authorizer, messageSizeLimit, maxInflightMessages,
                    maxQueuedMessages, maxQueuedBytes, maxKeepalive, retainAvailable, maxTopicAlias,
                    maxTopicLevels, persistenceLocation, discardCorruptStore, clientIdTakeover, clientIdBinding,
                    fileWatcher, restoreClock, cluster);
        }
    }
}

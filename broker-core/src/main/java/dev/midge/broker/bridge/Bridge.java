package dev.midge.broker.bridge;

import dev.midge.broker.bridge.BridgeOptions.Address;
import dev.midge.broker.bridge.BridgeOptions.Protocol;
import dev.midge.broker.bridge.BridgeOptions.StartType;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.logging.LogCategory;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.message.Message;
import dev.midge.broker.netty.InboundPublish;
import dev.midge.broker.protocol.ClientSession;
import dev.midge.broker.protocol.ConnectAnswer;
import dev.midge.broker.protocol.PublishAnswer;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.Permissions;
import dev.midge.broker.session.Session;
import dev.midge.broker.subscription.Subscription;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One running bridge: a local pseudo-session in the engine (client id {@code localClientId},
 * trusted like mosquitto's bridges: no ACL applies to it) and, while the remote is up, a client
 * connection to it. Outgoing messages are the local session's deliveries, so QoS 1/2 queue in the
 * session (bounded by max_queued_messages/bytes; on disk with persistence and
 * {@code local_cleansession false}) while the remote is down and go out in order once it is back.
 * Incoming messages are published locally as if by the local client id, whose own subscriptions
 * are no-local, so nothing is echoed back.
 *
 * <p>Thread model: every connection change and incoming packet runs on the bridge's event loop;
 * the session is shared with publishers' threads under its own lock, as any client's.
 */
public final class Bridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);
    /** mosquitto probes the primary address this often while connected elsewhere. */
    private static final int PRIMARY_PROBE_SECONDS = 5;

    private final BridgeOptions options;
    private final MqttEngine engine;
    private final EventLoop loop;
    private final ExecutorService resolver;
    private final RemoteConnector connector;
    private final TopicRemap remap;
    private final RestartBackoff backoff;
    private final ClientSession local;
    private final Session session;
    private final boolean v5;

    // Event loop only.
    private int addressIndex;
    private Channel channel;
    private RemoteSink sink;
    private boolean tryPrivateAccepted = true;
    private ScheduledFuture<?> pending;
    private long lastTrafficNanos = System.nanoTime();
    private boolean stopped;

    private volatile boolean connected;
    private volatile String remoteAddress;
    private volatile String lastError;
    private volatile boolean closed;

    private Bridge(BridgeOptions options, MqttEngine engine, EventLoop loop, ExecutorService resolver) {
        this.options = options;
        this.engine = engine;
        this.loop = loop;
        this.resolver = resolver;
        this.connector = new RemoteConnector(this, options, loop);
        this.remap = new TopicRemap(options.topics());
        this.backoff = new RestartBackoff(options.restartTimeout(), options.backoffCap());
        this.v5 = options.protocol() == Protocol.MQTT_5;
        ClientIdentity identity = new ClientIdentity(options.localClientId(), null, null, 0, null);
        long expiry = options.localCleanSession() ? 0 : Session.NEVER_EXPIRES;
        ConnectAnswer answer = ClientSession.connect(engine, new Permissions(identity, Authorizer.allowAll()), v5,
                options.localCleanSession(), expiry, null, 0);
        if (answer.refused()) {
            throw new IllegalStateException("bridge " + options.name() + ": local client id "
                    + options.localClientId() + " cannot be used: " + answer.refusal());
        }
        this.local = answer.client();
        this.session = engine.sessions().get(options.localClientId());
        this.remoteAddress = options.addresses().get(0).toString();
    }

    /**
     * Makes the bridge's local session and subscriptions at once (so outgoing QoS 1/2 messages
     * queue from now on), then connects as its start type says.
     *
     * @param resolver where host names are resolved (blocking), never the event loop
     */
    public static Bridge start(BridgeOptions options, MqttEngine engine, EventLoop loop, ExecutorService resolver) {
        Bridge bridge = new Bridge(options, engine, loop, resolver);
        bridge.subscribeLocally();
        bridge.notifyLocally('0');
        if (options.startType() == StartType.LAZY) {
            loop.execute(bridge::watchThreshold);
        } else {
            loop.execute(bridge::connect);
        }
        return bridge;
    }

    public String name() {
        return options.name();
    }

    public BridgeStatus status() {
        return new BridgeStatus(options.name(), connected, remoteAddress, session.inflightCount() + session.queuedCount(),
                lastError);
    }

    // ---- the local side ----

    /**
     * As mosquitto: the local subscriptions are made anew at every start (a restored session's
     * old ones removed), no-local so the bridge never sends back what it published locally, and
     * retain-as-published as bridge_outgoing_retain says.
     */
    private void subscribeLocally() {
        for (Subscription s : session.subscriptions()) {
            engine.unsubscribe(session, s.filter().text());
        }
        for (BridgeOptions.Topic t : options.topics()) {
            if (t.direction().outgoing()) {
                engine.subscribe(session, new Subscription(options.localClientId(),
                        dev.midge.broker.subscription.TopicFilter.parse(t.localTopic()), t.qos(), true,
                        options.outgoingRetain(), 0, 0));
            }
        }
    }

    private void notifyLocally(char state) {
        if (options.notifications()) {
            engine.publish(new Message(options.notificationTopic(), new byte[] {(byte) state}, 1, true,
                    Message.ForwardedProperties.NONE, Message.NEVER, options.localClientId()), null);
        }
    }

    // ---- connecting ----

    private void connect() {
        if (closed || stopped) {
            return;
        }
        Address address = options.addresses().get(addressIndex);
        remoteAddress = address.toString();
        LOG.info(LogCategory.NOTICE, "Connecting bridge {} ({}{}).", LogSafe.text(options.name()), address,
                options.transport() == null ? "" : ", " + options.transport().describe());
        CompletableFuture.supplyAsync(() -> resolve(address), resolver).whenComplete((resolved, error) ->
                loop.execute(() -> {
                    if (error != null) {
                        attemptFailed(address, "cannot resolve " + address.host() + ": "
                                + RemoteConnectionHandler.describe(error));
                    } else if (!closed) {
                        connector.connect(address, resolved, marksAsBridge());
                    }
                }));
    }

    /**
     * try_private over MQTT 3.1/3.1.1 only: mosquitto 2.0 cannot read a v5 CONNECT with the mark
     * (it closes for a protocol error), and over v5 the remote subscriptions ask for no-local anyway.
     */
    private boolean marksAsBridge() {
        return tryPrivateAccepted && options.tryPrivate() && !v5;
    }

    private static InetSocketAddress resolve(Address address) {
        try {
            return new InetSocketAddress(java.net.InetAddress.getByName(address.host()), address.port());
        } catch (java.net.UnknownHostException e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    /** The TCP (or TLS) connection could not be opened. */
    void attemptFailed(Address address, String why) {
        channel = null;
        lastError = why;
        LOG.warn("Bridge {} could not connect to {}: {}; {} queued.", LogSafe.text(options.name()), address, why,
                status().queued());
        nextAddress();
        scheduleReconnect();
    }

    void opened(Channel ch) {
        channel = ch;
    }

    io.netty.handler.codec.mqtt.MqttConnectMessage connectPacket() {
        return ConnectPackets.of(options, v5);
    }

    void refused(Channel ch, MqttConnectReturnCode code) {
        if (ch != channel) {
            return;
        }
        if (code == MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION && tryPrivateAccepted
                && options.tryPrivate() && !v5) {
            // A remote that does not know mosquitto's bridge mark: connect again without it, as mosquitto does.
            tryPrivateAccepted = false;
            retryAtOnce = true;
            lastError = "the remote refused the bridge protocol mark (try_private); trying without it";
            return;
        }
        lastError = "the remote refused the connection: " + code;
    }

    /** CONNACK accepted: notify, subscribe on the remote, attach the session (resending what waited). */
    void connected(Channel ch, MqttConnAckMessage connAck) {
        if (ch != channel) {
            return;
        }
        backoff.reset();
        connected = true;
        lastError = null;
        lastTrafficNanos = System.nanoTime();
        if (options.notifications() && !options.notificationsLocalOnly()) {
            // Through the session, so its packet id cannot collide with the bridged messages'.
            session.offer(new Delivery(new Message(options.notificationTopic(), new byte[] {'1'}, 1,
                    options.outgoingRetain(), Message.ForwardedProperties.NONE, Message.NEVER, RemoteSink.NOTIFICATION),
                    1, options.outgoingRetain(), List.of())).send();
        }
        notifyLocally('1');
        RemoteSubscriptions.send(ch, options, v5);
        sink = new RemoteSink(ch, remap, v5);
        int receiveMaximum = RemoteSubscriptions.receiveMaximum(connAck, v5);
        local.attach(sink, receiveMaximum, Long.MAX_VALUE).send();
        for (Subscription s : session.subscriptions()) {
            engine.sendRetained(session, s, true);
        }
        LOG.info(LogCategory.NOTICE, "Bridge {} connected to {} as {}{}; {} queued.", LogSafe.text(options.name()), remoteAddress,
                LogSafe.text(options.remoteClientId()), marksAsBridge() ? " (bridge protocol mark)" : "",
                status().queued());
        if (!options.roundRobin() && addressIndex != 0) {
            pending = loop.schedule(this::probePrimary, PRIMARY_PROBE_SECONDS, TimeUnit.SECONDS);
        }
        if (options.startType() == StartType.LAZY) {
            pending = loop.schedule(this::watchIdle, 1, TimeUnit.SECONDS);
        }
    }

    void failed(Channel ch, String why) {
        if (ch == channel && why != null) {
            lastError = why;
        }
    }

    /** The connection ended, for whatever reason: detach, notify and try again as configured. */
    void disconnected(Channel ch) {
        if (ch != channel) {
            return;
        }
        channel = null;
        boolean wasConnected = connected;
        connected = false;
        if (sink != null) {
            session.detach(sink);
            sink = null;
        }
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
        if (closed) {
            return;
        }
        if (wasConnected) {
            notifyLocally('0');
        }
        LOG.warn("Bridge {} {} {}: {}; {} queued.", LogSafe.text(options.name()),
                wasConnected ? "lost its connection to" : "could not connect to", remoteAddress,
                lastError == null ? "closed by the remote" : lastError, status().queued());
        if (retryAtOnce) {
            // Back to the primary, or again without try_private: at once, on the address chosen.
            retryAtOnce = false;
            loop.execute(this::connect);
            return;
        }
        nextAddress(); // as mosquitto: every failure moves on to the next address
        scheduleReconnect();
    }

    /** The next attempt goes to the address chosen, without waiting (primary back, try_private refused). */
    private boolean retryAtOnce;

    private void nextAddress() {
        addressIndex = (addressIndex + 1) % options.addresses().size();
    }

    private void scheduleReconnect() {
        if (closed) {
            return;
        }
        if (options.startType() == StartType.ONCE) {
            stopped = true;
            LOG.warn("Bridge {} (start_type once) stays down.", LogSafe.text(options.name()));
            return;
        }
        if (options.startType() == StartType.LAZY) {
            pending = loop.schedule(this::watchThreshold, 1, TimeUnit.SECONDS);
            return;
        }
        int seconds = backoff.next();
        pending = loop.schedule(this::connect, seconds, TimeUnit.SECONDS);
    }

    /** round_robin false: while on another address, return to the primary once it accepts a TCP connection. */
    private void probePrimary() {
        if (closed || channel == null || addressIndex == 0) {
            return;
        }
        Address primary = options.addresses().get(0);
        CompletableFuture.supplyAsync(() -> resolve(primary), resolver).whenComplete((resolved, error) ->
                loop.execute(() -> {
                    if (error != null || closed) {
                        reprobe();
                        return;
                    }
                    connector.probe(resolved).addListener(f -> loop.execute(() -> {
                        if (f.isSuccess() && channel != null && addressIndex != 0) {
                            LOG.info("Bridge {}: primary address {} is back; moving to it.",
                                    LogSafe.text(options.name()), primary);
                            addressIndex = 0;
                            retryAtOnce = true;
                            lastError = "moving back to the primary address " + primary;
                            channel.close();
                        } else {
                            reprobe();
                        }
                    }));
                }));
    }

    private void reprobe() {
        if (!closed && channel != null && addressIndex != 0) {
            pending = loop.schedule(this::probePrimary, PRIMARY_PROBE_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** start_type lazy: connect once threshold messages wait. */
    private void watchThreshold() {
        if (closed || channel != null) {
            return;
        }
        if (status().queued() >= options.threshold()) {
            connect();
        } else {
            pending = loop.schedule(this::watchThreshold, 1, TimeUnit.SECONDS);
        }
    }

    /** start_type lazy: disconnect after idle_timeout seconds without a message either way. */
    private void watchIdle() {
        if (closed || channel == null) {
            return;
        }
        if (status().queued() == 0 && System.nanoTime() - lastTrafficNanos
                > TimeUnit.SECONDS.toNanos(options.idleTimeout())) {
            lastError = "idle for " + options.idleTimeout() + " s (start_type lazy)";
            retryAtOnce = false;
            addressIndex = (addressIndex + options.addresses().size() - 1) % options.addresses().size();
            channel.close();
        } else {
            pending = loop.schedule(this::watchIdle, 1, TimeUnit.SECONDS);
        }
    }

    // ---- packets from the remote ----

    /** A message from the remote: published locally as the bridge's local client, then acknowledged. */
    void remotePublish(Channel ch, MqttPublishMessage m) {
        lastTrafficNanos = System.nanoTime();
        int qos = m.fixedHeader().qosLevel().value();
        int packetId = m.variableHeader().packetId();
        String topic = remap.in(m.variableHeader().topicName());
        MqttProperties props = m.variableHeader().properties();
        Message message = new Message(topic, ByteBufUtil.getBytes(m.content()), qos, m.fixedHeader().isRetain(),
                v5 ? InboundPublish.forwarded(props) : Message.ForwardedProperties.NONE,
                v5 ? InboundPublish.expiry(props) : Message.NEVER, options.localClientId());
        PublishAnswer answer = local.publish(message, packetId);
        if (answer == PublishAnswer.NONE) {
            return;
        }
        if (!answer.waitsForDisk()) {
            // The store cannot write: unacknowledged, so the remote sends it again later.
            lastError = "the local store cannot write; the connection is closed for the remote to resend";
            ch.close();
            return;
        }
        io.netty.handler.codec.mqtt.MqttMessage ack = RemoteSubscriptions.pubAck(qos == 1, packetId);
        CompletableFuture<Void> durable = engine.durability();
        if (durable == null) {
            ch.writeAndFlush(ack);
        } else {
            durable.whenComplete((ok, e) -> ch.eventLoop().execute(() -> ch.writeAndFlush(ack)));
        }
    }

    /** PUBREL for a QoS 2 message from the remote: PUBCOMP. */
    void remoteReleased(Channel ch, int packetId) {
        local.release(packetId);
        ch.writeAndFlush(RemoteSubscriptions.pubComp(packetId));
    }

    void remoteAcknowledged(int packetId) {
        lastTrafficNanos = System.nanoTime();
        local.acknowledged(new int[] {packetId}, 1).send();
    }

    void remoteReceived(int packetId, int reasonCode) {
        lastTrafficNanos = System.nanoTime();
        local.received(packetId, reasonCode).send();
    }

    void remoteCompleted(int packetId) {
        local.completed(packetId).send();
    }

    void subAcked(List<Integer> codes) {
        for (int code : codes) {
            if (code >= 0x80) {
                LOG.warn("Bridge {}: the remote {} refused a subscription (reason 0x{}).", LogSafe.text(options.name()),
                        remoteAddress, Integer.toHexString(code));
            }
        }
    }

    // ---- the end ----

    /** Stops reconnecting and closes the remote connection; the local session stays (it may be persistent). */
    @Override
    public void close() {
        closed = true;
        try {
            loop.submit(() -> {
                if (pending != null) {
                    pending.cancel(false);
                }
                if (channel != null) {
                    channel.close();
                }
            }).awaitUninterruptibly(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // the loop is gone, and with it the connection
        }
    }
}

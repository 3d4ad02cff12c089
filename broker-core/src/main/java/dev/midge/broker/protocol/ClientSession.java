package dev.midge.broker.protocol;

import dev.midge.broker.engine.DeliveryBatch;
import dev.midge.broker.engine.Limits;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.logging.LogCategory;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.message.Message;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.session.DeliverySink;
import dev.midge.broker.session.Dispatch;
import dev.midge.broker.session.Permissions;
import dev.midge.broker.session.Session;
import dev.midge.broker.subscription.Subscription;
import dev.midge.broker.subscription.TopicFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connected client as MQTT sees it, without a socket: who it is and what it may do
 * ({@link Permissions}), its will (held here only), its {@link Session} (inbound QoS 2 state,
 * outbound window), and why the connection ended. The transport turns each packet after
 * CONNECT into one call here and the answer back into a packet; packets for the client go to
 * the {@link DeliverySink} the transport implements.
 *
 * <p>Thread model: called on the connection's event loop only, except {@link #end}, which a
 * takeover or the application may call from elsewhere.
 */
public final class ClientSession {

    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

    /** A filter of a SUBSCRIBE with its options (MQTT 5 §3.8.3.1). */
    public record TopicSubscription(String filter, int qos, boolean noLocal, boolean retainAsPublished,
                                    int retainHandling) {
    }

    /** SUBACK's reason codes, and what to send once SUBACK is out (retained messages). */
    public record SubAck(List<Integer> reasonCodes, Runnable afterwards) {
    }

    private final MqttEngine engine;
    private final Session session;
    private final Permissions permissions;
    private final boolean v5;
    private final int receiveMaximum;
    private final long willDelaySeconds;
    /** The will, until the connection ends; a normal DISCONNECT clears it. */
    private Message will;
    private DeliverySink sink;
    /** Subscribers the last publish found behind, for the transport to pause reading for; event loop only. */
    private List<Session> behind = List.of();
    /** A bridge marked its CONNECT (mosquitto's try_private): its 3.1.1 subscriptions are no-local. */
    private boolean bridge;
    /** Why the connection ended: the first cause wins, also against a takeover on another thread. */
    private final AtomicReference<Ending> ending = new AtomicReference<>();

    public ClientSession(MqttEngine engine, Session session, Permissions permissions, boolean v5, Message will,
                         long willDelaySeconds) {
        this.engine = engine;
        this.session = session;
        this.permissions = permissions;
        this.v5 = v5;
        this.will = will;
        this.willDelaySeconds = willDelaySeconds;
        this.receiveMaximum = Limits.receiveMaximum(engine.options());
    }

    /**
     * An authenticated CONNECT: {@link MqttEngine#connect} finds, resumes or creates the session
     * and makes this client its owner; a connection that held the client id is told it was
     * taken over (§3.1.4), and a session of another username is refused or ended, never handed
     * over, as {@code clientIdTakeover} says. The transport then calls {@link #attach}.
     */
    public static ConnectAnswer connect(MqttEngine engine, Permissions permissions, boolean v5, boolean cleanStart,
                                        long sessionExpiry, Message will, long willDelaySeconds) {
        MqttEngine.ConnectOutcome outcome = engine.connect(permissions, cleanStart, sessionExpiry);
        if (outcome.refused()) {
            return ConnectAnswer.refused("its client id has a session of username "
                    + LogSafe.text(outcome.foreignOwner().username()) + " (midge_clientid_takeover username)");
        }
        if (outcome.foreignOwner() != null) {
            LOG.warn("Client {} (username {}) took the client id of username {}: that session was ended, not handed over.",
                    permissions.describe(), LogSafe.text(permissions.identity().username()),
                    LogSafe.text(outcome.foreignOwner().username()));
        }
        if (outcome.takenOver() != null) {
            outcome.takenOver().takenOver(); // outside the engine's lock: it writes to the old channel
        }
        ClientSession client = new ClientSession(engine, outcome.session(), permissions, v5, will, willDelaySeconds);
        return new ConnectAnswer(client, outcome.sessionPresent(), null);
    }

    /**
     * The client is a bridge (its CONNECT carried mosquitto's bridge mark). As in mosquitto, its
     * 3.1/3.1.1 subscriptions become no-local and retain-as-published, so what it publishes here is
     * never sent back to it: two brokers bridged both ways do not ping-pong a message.
     */
    public void markBridge() {
        bridge = true;
    }

    public boolean isBridge() {
        return bridge;
    }

    public ClientIdentity identity() {
        return permissions.identity();
    }

    public String clientId() {
        return permissions.identity().clientId();
    }

    public boolean isV5() {
        return v5;
    }

    /** "client ID from 1.2.3.4:5678", for log lines. */
    public String describe() {
        return permissions.describe();
    }

    /**
     * Gives the session this connection's sink; returns what must be re-sent (to send after
     * CONNACK). {@link MqttEngine#connect} made this client the session's owner already.
     */
    public Dispatch attach(DeliverySink to, int clientReceiveMaximum, long clientMaxPacketSize) {
        sink = to;
        return session.attach(to, permissions, v5, clientReceiveMaximum, clientMaxPacketSize);
    }

    // ---- PUBLISH from the client ----

    /**
     * Takes in a PUBLISH: routes it if allowed (a QoS 2 one only on first receipt, §4.3.3
     * method B) and says how to answer.
     */
    public PublishAnswer publish(Message message, int packetId) {
        return publish(message, packetId, null);
    }

    /**
     * The same, its deliveries gathered in {@code deliveries} (when not null) for the transport
     * to offer at the end of the read ({@link DeliveryBatch#offer}) instead of offered now.
     */
    public PublishAnswer publish(Message message, int packetId, DeliveryBatch deliveries) {
        int qos = message.qos();
        // Receive Maximum is MQTT 5's (§3.3.4): a 3.1.1 client was never told one, so it may have
        // any number in flight. Its unreleased ids are still bounded, by the 65,535 packet ids.
        if (qos == 2 && v5 && !session.receiveQos2Allowed(receiveMaximum, packetId)) {
            return PublishAnswer.RECEIVE_MAXIMUM_EXCEEDED;
        }
        if (engine.memoryLimit().exceeded()) {
            return PublishAnswer.MEMORY_LIMIT_EXCEEDED;
        }
        if (qos > 0 && !engine.storeWritable() && !qos2AlreadyReceived(qos, packetId)) {
            // Logged once by the store, not per message.
            return v5 ? PublishAnswer.QUOTA_EXCEEDED : PublishAnswer.CLOSE_UNACKNOWLEDGED;
        }
        boolean allowed = permissions.mayPublish(message.topic());
        // 3.1.1 has no negative PUBACK: a denied message is acknowledged and dropped, as mosquitto does.
        PublishAnswer answer = qos == 0 ? PublishAnswer.NONE
                : allowed || !v5 ? PublishAnswer.ACCEPTED : PublishAnswer.NOT_AUTHORIZED;
        if (qos == 2 && (answer != PublishAnswer.ACCEPTED || !session.receiveQos2(packetId))) {
            return answer;
        }
        if (allowed) {
            behind = subscribersToWaitFor(engine.publish(message, identity(), deliveries));
        }
        return answer;
    }

    /**
     * The subscribers behind that this client's reading should wait for: none when its own
     * session is one of them, which could not drain while its own PUBACKs went unread.
     */
    public List<Session> subscribersToWaitFor(List<Session> behind) {
        return behind.contains(session) ? List.of() : behind;
    }

    /**
     * The connected subscribers the last routed publish found behind (flow control): the
     * transport stops reading this client until one of them catches up
     * ({@link Session#whenCaughtUp}). Empty if none; cleared by the call.
     */
    public List<Session> takeSubscribersBehind() {
        List<Session> s = behind;
        behind = List.of();
        return s;
    }

    /**
     * A QoS 2 message resent under an id this session holds was routed already; refusing it now
     * would end the flow while the id stays held, and the next message under that id would be
     * taken for a duplicate and lost. It is answered as usual, once the store can write.
     */
    private boolean qos2AlreadyReceived(int qos, int packetId) {
        return qos == 2 && session.receiveQos2Allowed(0, packetId); // with room 0: true only if held
    }

    /** PUBREL: the PUBCOMP reason (v5 Packet Identifier not found for an id never stored, e.g. a denied one). */
    public ReasonCode release(int packetId) {
        boolean known = session.releaseQos2(packetId);
        return known || !v5 ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
    }

    // ---- acknowledgements of messages to the client ----

    /** The first {@code count} PUBACKs of one read, under one acquisition of the session's lock. */
    public Dispatch acknowledged(int[] packetIds, int count) {
        return session.onPubAcks(packetIds, count);
    }

    /** PUBREC with its reason code: PUBREL follows, unless the code is a failure (v5, §4.3.3). */
    public Dispatch received(int packetId, int reasonCode) {
        return session.onPubRec(packetId, !ReasonCode.isFailure(reasonCode));
    }

    /** PUBCOMP. */
    public Dispatch completed(int packetId) {
        return session.onPubComp(packetId);
    }

    /** The connection can take more again. */
    public Dispatch writable() {
        return session.onWritable();
    }

    // ---- SUBSCRIBE / UNSUBSCRIBE ----

    /**
     * Null if every filter is within {@code maxTopicLevels}, else why the connection must close
     * (as mosquitto does: no SUBACK/UNSUBACK, so the client cannot mistake it for a refusal).
     */
    public String tooManyLevels(List<String> filters) {
        for (String text : filters) {
            TopicFilter filter = TopicFilter.parse(text);
            String levels = filter == null ? text : filter.filter();
            if (Limits.tooManyTopicLevels(engine.options(), levels)) {
                return "topic filter of " + TopicFilter.levelCount(levels) + " levels is over the limit of "
                        + engine.options().maxTopicLevels();
            }
        }
        return null;
    }

    /**
     * Adds the allowed subscriptions now (before SUBACK, so a message published after the
     * client saw SUBACK reaches it); the retained messages they match follow SUBACK.
     */
    public SubAck subscribe(List<TopicSubscription> requests, int subscriptionId) {
        List<Integer> codes = new ArrayList<>(requests.size());
        Map<Subscription, Boolean> granted = new LinkedHashMap<>();
        for (TopicSubscription t : requests) {
            TopicFilter filter = TopicFilter.parse(t.filter());
            if (filter == null) {
                LOG.warn("Client {} sent an invalid topic filter '{}'.", describe(), LogSafe.text(t.filter()));
                codes.add((v5 ? ReasonCode.TOPIC_FILTER_INVALID : ReasonCode.UNSPECIFIED_ERROR).value());
            } else if (!permissions.maySubscribe(t.filter())) {
                codes.add((v5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.UNSPECIFIED_ERROR).value());
            } else {
                boolean bridgeOptions = bridge && !v5; // v5 bridges ask for no-local themselves
                Subscription s = new Subscription(clientId(), filter, t.qos(), t.noLocal() || bridgeOptions,
                        t.retainAsPublished() || bridgeOptions, t.retainHandling(), subscriptionId);
                granted.put(s, engine.subscribe(session, s));
                if (LogCategory.SUBSCRIBE.isInfoEnabled()) {
                    LogCategory.SUBSCRIBE.info("{} {} {}", LogSafe.text(clientId()), t.qos(), LogSafe.text(t.filter()));
                }
                codes.add(t.qos()); // the granted QoS is the code
            }
        }
        return new SubAck(codes, () -> granted.forEach((s, isNew) -> engine.sendRetained(session, s, isNew)));
    }

    /** UNSUBACK's reason codes. */
    public List<ReasonCode> unsubscribe(List<String> filters) {
        List<ReasonCode> codes = new ArrayList<>(filters.size());
        for (String filter : filters) {
            codes.add(engine.unsubscribe(session, filter) ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED);
            if (LogCategory.UNSUBSCRIBE.isInfoEnabled()) {
                LogCategory.UNSUBSCRIBE.info("{} {}", LogSafe.text(clientId()), LogSafe.text(filter));
            }
        }
        return codes;
    }

    // ---- the end of the connection ----

    /**
     * The client sent DISCONNECT (v5: with a reason code and perhaps a new Session Expiry
     * Interval, else null). Returns null, or the protocol violation to close for.
     */
    public String disconnect(int reasonCode, Long sessionExpiry) {
        if (sessionExpiry != null) {
            if (session.expiryInterval() == 0 && sessionExpiry != 0) {
                return "Session Expiry Interval changed from 0 on DISCONNECT";
            }
            session.expiryInterval(sessionExpiry);
        }
        // The only normal disconnect that still sends the will.
        if (reasonCode != ReasonCode.DISCONNECT_WITH_WILL_MESSAGE.value()) {
            will = null;
        }
        end(Ending.DISCONNECTED);
        return null;
    }

    /** Records why the connection ends and logs it; the first cause stays. */
    public void end(Ending why) {
        end(why, null);
    }

    /**
     * Records why the connection ends and logs the one line that says so, for the first cause
     * only. {@code detail} completes the line: the violation, the application's reason, the QoS.
     */
    public void end(Ending why, String detail) {
        if (ending.compareAndSet(null, why)) {
            logEnd(why, detail);
        }
    }

    /** The words of each ending, in one place; mosquitto's where it has them. */
    private void logEnd(Ending why, String detail) {
        String id = LogSafe.text(clientId());
        switch (why) {
            case DISCONNECTED -> LogCategory.CONNECTIONS.info("Client {} disconnected.", id);
            case KEEP_ALIVE_TIMEOUT -> LogCategory.CONNECTIONS.info("Client {} has exceeded timeout, disconnecting.", id);
            case TAKEN_OVER -> LogCategory.CONNECTIONS.info("Client {} already connected, closing old connection.", id);
            case PROTOCOL_VIOLATION -> LOG.warn("Client {} disconnected due to {}.", describe(), detail);
            case ADMINISTRATIVE_ACTION -> LOG.warn("Client {} (username {}) disconnected: {}.", describe(),
                    LogSafe.text(identity().username()), detail);
            // Debug: the store logs once that it cannot write, not once per refused client.
            case STORE_UNWRITABLE -> LOG.debug("Client {} disconnected: the persistent store cannot write, so its {} "
                    + "message was not accepted.", describe(), detail);
            case STORE_FAILURE -> LOG.warn("Client {} disconnected: its message could not be stored.", describe());
            case MEMORY_LIMIT -> LOG.warn("Client {} disconnected: its PUBLISH was dropped, the broker holds {}.",
                    describe(), detail);
            case NOT_CONFIRMED -> LOG.warn("Client {} disconnected: a cluster node its message went to left before "
                    + "holding it, so it was not acknowledged (the client sends it again).", describe());
        }
    }

    /** Why the connection ended, or null while it has not (or its client closed it). */
    public Ending ending() {
        return ending.get();
    }

    /**
     * The connection is closed: the will goes now or after its delay, checked then against the
     * session's owner like any publish, and the session's expiry starts.
     */
    public void closed() {
        if (ending.get() == null) {
            LogCategory.CONNECTIONS.info("Client {} closed its connection.", LogSafe.text(clientId()));
        }
        Message w = will;
        will = null;
        Runnable sendWill = null;
        if (w != null) {
            Permissions owner = session.owner();
            sendWill = () -> {
                if (owner != null && owner.mayPublishWill(w.topic())) {
                    engine.publish(w, owner.identity());
                }
            };
        }
        engine.disconnected(session, sink, sendWill, willDelaySeconds);
    }
}

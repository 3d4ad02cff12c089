package dev.midge.broker.netty;

import dev.midge.broker.engine.Message;
import dev.midge.broker.engine.Limits;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.session.Session;
import dev.midge.broker.subscription.Subscription;
import dev.midge.broker.subscription.TopicFilter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The MQTT engine's handler for a connected client: turns each packet after CONNECT into calls
 * on the engine and its session, and their results back into packets.
 */
final class MqttSessionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSessionHandler.class);

    private static final int NOT_AUTHORIZED = 0x87;
    /** What mosquitto answers when it cannot take a message in; the client may try again later. */
    private static final int QUOTA_EXCEEDED = 0x97;

    private final MqttEngine engine;
    private final ClientConnection connection;
    private final Session session;
    private final InboundPublish inbound;
    private final StoreBackpressure backpressure;
    private Message will;
    /** With persistence: the last acknowledgement waiting for the disk (event loop only), or null. */
    private CompletableFuture<Void> pendingAck;
    /** PUBACK packet ids received in the current read, not yet applied (event loop only). */
    private int[] pubAcks = new int[32];
    private int pubAckCount;
    /** A PUBACK/PUBREC was written in this read and awaits the flush at its end. */
    private boolean ackUnflushed;

    MqttSessionHandler(MqttEngine engine, ClientConnection connection) {
        this.engine = engine;
        this.connection = connection;
        this.session = connection.session();
        this.inbound = new InboundPublish(engine.options(), connection);
        this.backpressure = new StoreBackpressure(engine);
        this.will = connection.will;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof MqttMessage m)) {
                return;
            }
            if (m.decoderResult().isFailure()) {
                connection.closeLogged = true;
                ProtocolViolation.decodeFailure(ctx.channel(), connection.clientId(), connection.isV5(), m.decoderResult());
                return;
            }
            handle(ctx, m);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void handle(ChannelHandlerContext ctx, MqttMessage m) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("Received {} from client {}", m.fixedHeader().messageType(), LogSafe.text(connection.clientId()));
        }
        MqttMessageType type = m.fixedHeader().messageType();
        if (type == MqttMessageType.PUBACK) {
            if (pubAckCount == pubAcks.length) {
                pubAcks = java.util.Arrays.copyOf(pubAcks, pubAcks.length * 2);
            }
            pubAcks[pubAckCount++] = packetId(m);
            return;
        }
        applyPubAcks(); // before anything else of this client, in the order it sent them
        switch (type) {
            case PUBLISH -> onPublish(ctx, (MqttPublishMessage) m);
            case PUBREC -> session.onPubRec(packetId(m), reasonCode(m) < 0x80).send();
            case PUBREL -> onPubRel(ctx, packetId(m));
            case PUBCOMP -> session.onPubComp(packetId(m)).send();
            case SUBSCRIBE -> onSubscribe(ctx, (MqttSubscribeMessage) m);
            case UNSUBSCRIBE -> onUnsubscribe(ctx, (MqttUnsubscribeMessage) m);
            case PINGREQ -> ctx.writeAndFlush(new MqttMessage(
                    new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
            case DISCONNECT -> onDisconnect(ctx, m);
            default -> violation(ctx, ProtocolViolation.PROTOCOL_ERROR,
                    "unexpected " + m.fixedHeader().messageType() + " packet");
        }
    }

    /** The PUBACKs of this read, applied at its end (or before the next other packet) at once. */
    private void applyPubAcks() {
        if (pubAckCount > 0) {
            int count = pubAckCount;
            pubAckCount = 0;
            session.onPubAcks(pubAcks, count).send();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        applyPubAcks();
        if (ackUnflushed) {
            ackUnflushed = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    private void violation(ChannelHandlerContext ctx, int reason, String cause) {
        connection.closeLogged = true;
        ProtocolViolation.close(ctx.channel(), connection.clientId(), connection.isV5(), reason, cause);
    }

    private static int packetId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    private static int reasonCode(MqttMessage m) {
        return m.variableHeader() instanceof MqttPubReplyMessageVariableHeader h ? h.reasonCode() & 0xFF : 0;
    }

    // ---- PUBLISH, inbound ----

    private void onPublish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        InboundPublish.Result r = inbound.accept(publish);
        if (r.violation() != null) {
            violation(ctx, r.violationReason(), r.violation());
            return;
        }
        int qos = publish.fixedHeader().qosLevel().value();
        int packetId = publish.variableHeader().packetId();
        // Receive Maximum is MQTT 5's (§3.3.4): a 3.1.1 client was never told one, so it may have
        // any number in flight. Its unreleased ids are still bounded, by the 65,535 packet ids.
        if (qos == 2 && connection.isV5()
                && !session.receiveQos2Allowed(Limits.receiveMaximum(engine.options()), packetId)) {
            violation(ctx, ProtocolViolation.RECEIVE_MAXIMUM_EXCEEDED, "more QoS 2 messages in flight than Receive Maximum");
            return;
        }
        if (qos > 0 && !engine.storeWritable() && !qos2AlreadyReceived(qos, packetId)) {
            refuseUnstorable(ctx, qos, packetId);
            return;
        }
        backpressure.afterPublish(ctx.channel());
        boolean allowed = connection.authorizer().canPublish(connection.identity(), r.message().topic());
        if (!allowed) {
            inbound.logDenied(r.message().topic());
        }
        int reason = allowed || !connection.isV5() ? 0 : NOT_AUTHORIZED;
        switch (qos) {
            case 0 -> route(allowed, r.message());
            case 1 -> {
                route(allowed, r.message());
                acknowledge(ctx, pubReply(MqttMessageType.PUBACK, packetId, reason));
            }
            default -> {
                // Exactly once: route on first receipt, remember the id until PUBREL (§4.3.3 method B).
                if (reason == 0 && session.receiveQos2(packetId)) {
                    route(allowed, r.message());
                }
                acknowledge(ctx, pubReply(MqttMessageType.PUBREC, packetId, reason));
            }
        }
    }

    /**
     * The persistent store cannot write (disk full), so a QoS 1/2 message is not taken in:
     * nothing is routed and nothing acknowledged. A v5 client gets PUBACK/PUBREC 0x97 Quota
     * exceeded. 3.1.1 has no negative PUBACK, and a client resends only when it reconnects, so
     * the connection is closed without one: it reconnects and sends the message again, until
     * the store can take it. Logged once by the store, not per message.
     */
    private void refuseUnstorable(ChannelHandlerContext ctx, int qos, int packetId) {
        if (connection.isV5()) {
            MqttMessageType type = qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC;
            acknowledge(ctx, pubReply(type, packetId, QUOTA_EXCEEDED), null, false);
        } else {
            connection.closeLogged = true;
            LOG.debug("Client {} disconnected: the persistent store cannot write, so its QoS {} message was not accepted.",
                    connection.describe(), qos);
            ctx.close();
        }
    }

    /**
     * A QoS 2 message resent under an id this session holds was routed already; refusing it now
     * would end the flow while the id stays held, and the next message under that id would be
     * taken for a duplicate and lost. It is answered as usual, once the store can write.
     */
    private boolean qos2AlreadyReceived(int qos, int packetId) {
        return qos == 2 && session.receiveQos2Allowed(0, packetId); // with room 0: true only if held
    }

    private void route(boolean allowed, Message message) {
        if (allowed) {
            engine.publish(message, connection.identity());
        }
    }

    private void acknowledge(ChannelHandlerContext ctx, MqttMessage reply) {
        acknowledge(ctx, reply, null, true);
    }

    /**
     * Writes a PUBACK/PUBREC/SUBACK/UNSUBACK once what the packet changed (a routed message, a
     * persistent session's subscriptions) is on disk (at once with persistence off, or when
     * the packet changed nothing: {@code waitForDisk} false), and never before an earlier one
     * of this connection (§4.6); then runs {@code then}, if any.
     */
    private void acknowledge(ChannelHandlerContext ctx, MqttMessage reply, Runnable then, boolean waitForDisk) {
        CompletableFuture<Void> durable = waitForDisk ? engine.durability() : null;
        boolean onDisk = durable == null || (durable.isDone() && !durable.isCompletedExceptionally());
        if (onDisk && (pendingAck == null || pendingAck.isDone())) {
            pendingAck = null;
            ctx.write(reply); // flushed at the end of the read: one flush for a read's acks, not one each
            ackUnflushed = true;
            if (then != null) {
                then.run();
            }
            return;
        }
        CompletableFuture<Void> after = pendingAck == null ? durable
                : durable == null ? pendingAck : CompletableFuture.allOf(pendingAck, durable);
        pendingAck = after.whenCompleteAsync((ok, failure) -> {
            if (failure == null) {
                ctx.writeAndFlush(reply);
                if (then != null) {
                    then.run();
                }
            } else {
                // Not on disk, so not acknowledged: the client will send it again.
                connection.closeLogged = true;
                LOG.warn("Client {} disconnected: its message could not be stored.", connection.describe());
                ctx.close();
            }
        }, ctx.executor());
    }

    private void onPubRel(ChannelHandlerContext ctx, int packetId) {
        boolean known = session.releaseQos2(packetId);
        // v5 0x92 Packet Identifier not found; a denied QoS 2 message was never stored either.
        ctx.writeAndFlush(pubReply(MqttMessageType.PUBCOMP, packetId, known || !connection.isV5() ? 0 : 0x92));
    }

    private MqttMessage pubReply(MqttMessageType type, int packetId, int reason) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, (byte) reason, MqttProperties.NO_PROPERTIES));
    }

    // ---- SUBSCRIBE / UNSUBSCRIBE ----

    private void onSubscribe(ChannelHandlerContext ctx, MqttSubscribeMessage m) {
        for (MqttTopicSubscription t : m.payload().topicSubscriptions()) {
            if (tooManyLevels(ctx, t.topicFilter())) {
                return; // before any filter of the packet is added
            }
        }
        int packetId = m.variableHeader().messageId();
        int subscriptionId = subscriptionIdentifier(m.idAndPropertiesVariableHeader().properties());
        List<Integer> codes = new ArrayList<>();
        Map<Subscription, Boolean> granted = new LinkedHashMap<>();
        for (MqttTopicSubscription t : m.payload().topicSubscriptions()) {
            TopicFilter filter = TopicFilter.parse(t.topicFilter());
            if (filter == null) {
                LOG.warn("Client {} sent an invalid topic filter '{}'.", connection.describe(), LogSafe.text(t.topicFilter()));
                codes.add(connection.isV5() ? 0x8F : 0x80);
                continue;
            }
            if (!connection.authorizer().canSubscribe(connection.identity(), t.topicFilter())) {
                LOG.warn("Denied SUBSCRIBE from client {} (username {}) to '{}'.", connection.describe(),
                        LogSafe.text(connection.identity().username()), LogSafe.text(t.topicFilter()));
                codes.add(connection.isV5() ? NOT_AUTHORIZED : 0x80);
                continue;
            }
            var o = t.option();
            int qos = o.qos().value();
            Subscription s = new Subscription(connection.clientId(), filter, qos, o.isNoLocal(),
                    o.isRetainAsPublished(), o.retainHandling().value(), subscriptionId);
            granted.put(s, engine.subscribe(session, s));
            codes.add(qos);
        }
        // SUBACK once a persistent session's new subscriptions are on disk, then the retained
        // messages they match.
        acknowledge(ctx, new MqttSubAckMessage(
                new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(codes)),
                () -> granted.forEach((s, isNew) -> engine.sendRetained(session, s, isNew)), true);
    }

    private static int subscriptionIdentifier(MqttProperties props) {
        MqttProperties.MqttProperty<?> p = props.getProperty(MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value());
        return p == null ? 0 : (Integer) p.value();
    }

    /**
     * A filter deeper than the limit closes the connection, as mosquitto does (it refuses more
     * than 200 '/'): no SUBACK, so the client cannot mistake it for a refused subscription.
     */
    private boolean tooManyLevels(ChannelHandlerContext ctx, String filterText) {
        TopicFilter filter = TopicFilter.parse(filterText);
        String levels = filter == null ? filterText : filter.filter();
        if (!Limits.tooManyTopicLevels(engine.options(), levels)) {
            return false;
        }
        violation(ctx, ProtocolViolation.TOPIC_FILTER_INVALID, "topic filter of " + TopicFilter.levelCount(levels)
                + " levels is over the limit of " + engine.options().maxTopicLevels());
        return true;
    }

    private void onUnsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage m) {
        for (String filter : m.payload().topics()) {
            if (tooManyLevels(ctx, filter)) {
                return;
            }
        }
        List<Short> codes = new ArrayList<>();
        for (String filter : m.payload().topics()) {
            boolean existed = engine.unsubscribe(session, filter);
            codes.add((short) (existed ? 0x00 : 0x11));
        }
        acknowledge(ctx, new MqttUnsubAckMessage(
                new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(m.variableHeader().messageId(), MqttProperties.NO_PROPERTIES),
                new MqttUnsubAckPayload(codes)));
    }

    // ---- DISCONNECT and the end of the connection ----

    private void onDisconnect(ChannelHandlerContext ctx, MqttMessage m) {
        int reason = 0;
        if (m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h) {
            reason = h.reasonCode() & 0xFF;
            MqttProperties.MqttProperty<?> expiry =
                    h.properties().getProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value());
            if (expiry != null) {
                long requested = Integer.toUnsignedLong((Integer) expiry.value());
                if (session.expiryInterval() == 0 && requested != 0) {
                    violation(ctx, ProtocolViolation.PROTOCOL_ERROR, "Session Expiry Interval changed from 0 on DISCONNECT");
                    return;
                }
                session.expiryInterval(requested);
            }
        }
        // 0x04 "Disconnect with Will Message": the only normal disconnect that still sends the will.
        if (reason != 0x04) {
            will = null;
        }
        connection.closeLogged = true;
        LOG.info("Client {} disconnected.", LogSafe.text(connection.clientId()));
        ctx.close();
    }

    /** The socket took what was waiting: QoS 0 held back for this client can go now. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            session.onWritable().send();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        applyPubAcks();
        if (!connection.closeLogged && !connection.takenOver) {
            LOG.info("Client {} closed its connection.", LogSafe.text(connection.clientId()));
        }
        engine.disconnected(session, connection, will, connection.willDelaySeconds);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("Connection of client {} failed: {}", connection.describe(), cause.toString());
        } else if (cause instanceof io.netty.handler.codec.DecoderException) {
            connection.closeLogged = true;
            ProtocolViolation.close(ctx.channel(), connection.clientId(), connection.isV5(),
                    ProtocolViolation.MALFORMED_PACKET, String.valueOf(cause.getMessage()));
            return;
        } else {
            LOG.error("Unexpected error on the connection of client {}", connection.describe(), cause);
        }
        ctx.close();
    }
}

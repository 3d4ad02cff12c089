package dev.midge.broker.netty;

import dev.midge.broker.engine.DeliveryBatch;
import dev.midge.broker.engine.MemoryLimit;
import dev.midge.broker.ListenerRules;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.protocol.ClientSession;
import dev.midge.broker.session.Session;
import dev.midge.broker.protocol.Ending;
import dev.midge.broker.protocol.PublishAnswer;
import dev.midge.broker.protocol.ReasonCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Translates a connected client's packets after CONNECT into calls on its {@link ClientSession}
 * and the answers back into packets. It decides nothing about MQTT itself.
 */
final class PacketHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(PacketHandler.class);

    private final ChannelOutbox connection;
    private final ClientSession client;
    private final InboundPublish inbound;
    private final StoreBackpressure backpressure;
    private final ClusterBackpressure clusterBackpressure;
    private final SubscriberBackpressure flowControl;
    private final AckSequencer acks;
    /** PUBACK packet ids received in the current read, not yet applied (event loop only). */
    private int[] pubAcks = new int[32];
    private int pubAckCount;
    /**
     * The deliveries of this read's PUBLISHes, offered at its end (or before the next other
     * packet of this client); null with persistence, where they are offered at once.
     */
    private final DeliveryBatch deliveries;
    /** Whether this connection already logged a dropped PUBLISH at WARN (message_size_limit): one line per connection, not one per message. */
    private boolean droppedLogged;

    /** The listener's max_qos: subscriptions are granted at most this. */
    private final int maxQos;
    /** The listener's mount_point, or null: prefixed to the filters of SUBSCRIBE and UNSUBSCRIBE. */
    private final String mountPoint;

    private final MemoryLimit memoryLimit;

    PacketHandler(MqttEngine engine, ChannelOutbox connection, ListenerRules rules) {
        this.connection = connection;
        this.client = connection.client();
        this.inbound = new InboundPublish(engine.options(), client.isV5(), client.clientId(), rules);
        this.maxQos = rules.maxQos();
        this.mountPoint = rules.mountPoint();
        ReadGate gate = new ReadGate(connection.channel());
        this.backpressure = new StoreBackpressure(engine, gate);
        this.clusterBackpressure = new ClusterBackpressure(engine, gate);
        this.flowControl = new SubscriberBackpressure(gate, engine.options().delivery().maxPublisherPause().toNanos());
        this.acks = new AckSequencer(engine, client);
        this.deliveries = engine.persistent() ? null : new DeliveryBatch();
        this.memoryLimit = engine.memoryLimit();
    }

    private void deliver() {
        if (deliveries != null) {
            List<Session> behind = deliveries.offer();
            if (!behind.isEmpty() && connection.channel().isActive()) {
                flowControl.afterPublish(connection.channel(), client.subscribersToWaitFor(behind), client);
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof MqttMessage m)) {
                return;
            }
            if (m.decoderResult().isFailure()) {
                if (InboundPublish.qos0WithDup(m.fixedHeader())) {
                    violation(ctx, ReasonCode.PROTOCOL_ERROR, InboundPublish.QOS0_DUP); // see qos0WithDup
                    return;
                }
                ProtocolViolation.decodeFailure(client, ctx.channel(), m.decoderResult());
                return;
            }
            handle(ctx, m);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void handle(ChannelHandlerContext ctx, MqttMessage m) {
        MqttMessageType type = m.fixedHeader().messageType();
        if (LOG.isDebugEnabled()) {
            LOG.debug("Received {} from client {}", type, LogSafe.text(client.clientId()));
        }
        if (type == MqttMessageType.PUBACK) {
            if (pubAckCount == pubAcks.length) {
                pubAcks = Arrays.copyOf(pubAcks, pubAcks.length * 2);
            }
            pubAcks[pubAckCount++] = MqttPackets.packetId(m);
            return;
        }
        applyPubAcks(); // before anything else of this client, in the order it sent them
        if (type != MqttMessageType.PUBLISH) {
            deliver(); // the PUBLISHes before it are routed as if at once
            acks.writeCoalesced(ctx); // this read's PUBACKs go before any other reply
        }
        switch (type) {
            case PUBLISH -> onPublish(ctx, (MqttPublishMessage) m);
            case PUBREC -> client.received(MqttPackets.packetId(m), MqttPackets.reasonCode(m)).send();
            case PUBREL -> {
                int id = MqttPackets.packetId(m);
                ctx.writeAndFlush(MqttPackets.pubReply(MqttMessageType.PUBCOMP, id, client.release(id)));
            }
            case PUBCOMP -> client.completed(MqttPackets.packetId(m)).send();
            case SUBSCRIBE -> onSubscribe(ctx, (MqttSubscribeMessage) m);
            case UNSUBSCRIBE -> onUnsubscribe(ctx, (MqttUnsubscribeMessage) m);
            case PINGREQ -> ctx.writeAndFlush(MqttMessage.PINGRESP);
            case DISCONNECT -> onDisconnect(ctx, m);
            default -> violation(ctx, ReasonCode.PROTOCOL_ERROR, "unexpected " + type + " packet");
        }
    }

    /** The PUBACKs of this read, applied at its end (or before the next other packet) at once. */
    private void applyPubAcks() {
        if (pubAckCount > 0) {
            int count = pubAckCount;
            pubAckCount = 0;
            client.acknowledged(pubAcks, count).send();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        applyPubAcks();
        deliver(); // before the PUBACKs go out: a client that saw its PUBACK finds its message routed
        acks.flush(ctx);
        ctx.fireChannelReadComplete();
    }

    private void violation(ChannelHandlerContext ctx, ReasonCode reason, String cause) {
        ProtocolViolation.close(client, ctx.channel(), reason, cause);
    }

    private void onPublish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        InboundPublish.Result r = inbound.accept(publish);
        if (r.dropReason() != null) {
            dropped(ctx, publish, r);
            return;
        }
        if (r.violation() != null) {
            violation(ctx, r.violationReason(), r.violation());
            return;
        }
        int packetId = publish.variableHeader().packetId();
        PublishAnswer answer = client.publish(r.message(), packetId, deliveries);
        switch (answer) {
            case RECEIVE_MAXIMUM_EXCEEDED -> violation(ctx, answer.reasonCode(),
                    "more QoS 2 messages in flight than Receive Maximum");
            case CLOSE_UNACKNOWLEDGED -> {
                client.end(Ending.STORE_UNWRITABLE, "QoS " + r.message().qos());
                ctx.close();
            }
            case MEMORY_LIMIT_EXCEEDED -> {
                client.end(Ending.MEMORY_LIMIT, memoryLimit.describe());
                DisconnectPacket.closeWithReason(ctx.channel(), client.isV5(), answer.reasonCode());
            }
            case QUOTA_EXCEEDED -> acks.acknowledge(ctx, MqttPackets.pubReply(publish, answer), null, false);
            case NONE -> afterPublish(ctx);
            default -> {
                afterPublish(ctx);
                acks.acknowledgePublish(ctx, r.message().qos() == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC,
                        packetId, answer.reasonCode(), true);
            }
        }
    }

    private void afterPublish(ChannelHandlerContext ctx) {
        backpressure.afterPublish(ctx.channel());
        clusterBackpressure.afterPublish(ctx.channel());
        flowControl.afterPublish(ctx.channel(), client.takeSubscribersBehind(), client);
    }

    /** A PUBLISH not routed but answered (v5: its reason code; 3.1.1, which has none: a plain PUBACK/PUBREC). */
    private void dropped(ChannelHandlerContext ctx, MqttPublishMessage publish, InboundPublish.Result r) {
        if (!droppedLogged) {
            droppedLogged = true;
            LOG.warn("Client {}: dropped a PUBLISH: {}{}.", client.describe(), LogSafe.text(r.violation()),
                    " (later ones on this connection are logged at debug)");
        } else {
            LOG.debug("Client {}: dropped a PUBLISH: {}.", client.describe(), LogSafe.text(r.violation()));
        }
        if (publish.fixedHeader().qosLevel().value() > 0) {
            MqttMessageType type = publish.fixedHeader().qosLevel().value() == 1
                    ? MqttMessageType.PUBACK : MqttMessageType.PUBREC;
            ReasonCode code = client.isV5() ? r.dropReason() : ReasonCode.SUCCESS;
            acks.acknowledge(ctx, MqttPackets.pubReply(type, publish.variableHeader().packetId(), code), null, false);
        }
    }

    private void onSubscribe(ChannelHandlerContext ctx, MqttSubscribeMessage m) {
        List<ClientSession.TopicSubscription> requests = MqttPackets.subscriptions(m, maxQos, mountPoint);
        if (requests.isEmpty()) {
            // MQTT-3.8.3-3 (3.1.1) / MQTT-3.8.3-2 (5.0): a SUBSCRIBE with no filter is a protocol violation.
            violation(ctx, ReasonCode.PROTOCOL_ERROR, "SUBSCRIBE without a topic filter");
            return;
        }
        String tooDeep = client.tooManyLevels(requests.stream().map(ClientSession.TopicSubscription::filter).toList());
        if (tooDeep != null) {
            violation(ctx, ReasonCode.TOPIC_FILTER_INVALID, tooDeep); // before any filter of the packet is added
            return;
        }
        ClientSession.SubAck subAck = client.subscribe(requests, MqttPackets.subscriptionIdentifier(m));
        // SUBACK once a persistent session's new subscriptions are on disk and the cluster's other
        // nodes know their filters, then the retained messages they match.
        acks.acknowledgeSubscribe(ctx, MqttPackets.subAck(m.variableHeader().messageId(), subAck.reasonCodes()),
                subAck.afterwards());
    }

    private void onUnsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage m) {
        if (m.payload().topics().isEmpty()) {
            // MQTT-3.10.3-2 (both versions): an UNSUBSCRIBE with no filter is a protocol violation.
            violation(ctx, ReasonCode.PROTOCOL_ERROR, "UNSUBSCRIBE without a topic filter");
            return;
        }
        String tooDeep = client.tooManyLevels(m.payload().topics());
        if (tooDeep != null) {
            violation(ctx, ReasonCode.TOPIC_FILTER_INVALID, tooDeep);
            return;
        }
        List<String> filters = mountPoint == null ? m.payload().topics()
                : m.payload().topics().stream().map(f -> MountPoint.filter(mountPoint, f)).toList();
        acks.acknowledge(ctx, MqttPackets.unsubAck(m.variableHeader().messageId(),
                client.unsubscribe(filters)), null, true);
    }

    private void onDisconnect(ChannelHandlerContext ctx, MqttMessage m) {
        String violation = client.disconnect(MqttPackets.reasonCode(m), MqttPackets.sessionExpiry(m));
        if (violation != null) {
            violation(ctx, ReasonCode.PROTOCOL_ERROR, violation);
            return;
        }
        ctx.close();
    }

    /** The socket took what was waiting: QoS 0 held back for this client can go now. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            client.writable().send();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        acks.discard();
        deliver(); // what was taken in is routed, as if it had been at once
        applyPubAcks();
        client.closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("Connection of client {} failed: {}", client.describe(), cause.toString());
        } else if (cause instanceof DecoderException) {
            violation(ctx, ReasonCode.MALFORMED_PACKET, String.valueOf(cause.getMessage()));
            return;
        } else {
            LOG.error("Unexpected error on the connection of client {}", client.describe(), cause);
        }
        ctx.close();
    }
}

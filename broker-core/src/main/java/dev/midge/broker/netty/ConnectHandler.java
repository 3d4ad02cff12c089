package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.logging.LogCategory;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.security.AuthenticationResult;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.protocol.ClientSession;
import dev.midge.broker.protocol.ConnectAnswer;
import dev.midge.broker.session.Dispatch;
import dev.midge.broker.session.Permissions;
import dev.midge.broker.session.PluginAuthorizer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Handles the first packet of a connection, which must be CONNECT: translates it, has
 * {@link ConnectAuthentication} say who it is, applies the client id rules, asks
 * {@link ClientSession#connect} for the session (new, resumed, taken over or refused), writes
 * CONNACK and hands the channel to {@link PacketHandler}. Refusals are logged here, one line each.
 */
final class ConnectHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);

    private final MqttEngine engine;
    private final BrokerOptions options;
    private final ListenerOptions listener;
    private final ConnectAuthentication authentication;
    /** Packets that arrived while the authenticator was deciding; replayed in order after. */
    private final List<Object> held = new ArrayList<>();
    private boolean authenticating;
    private ScheduledFuture<?> connectTimeout;

    /** A socket that never completes CONNECT must not hold resources forever (no keep-alive yet). */
    static final long CONNECT_TIMEOUT_SECONDS = 20;

    ConnectHandler(MqttEngine engine, ListenerOptions listener, Executor authExecutor) {
        this.engine = engine;
        this.options = engine.options();
        this.listener = listener;
        this.authentication = new ConnectAuthentication(listener, options, authExecutor);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        LogCategory.CONNECTIONS.info("New connection from {} on port {}.", Describe.address(ctx.channel()), Describe.localPort(ctx.channel()));
        connectTimeout = ctx.executor().schedule(() -> {
            LOG.warn("Client {} sent no CONNECT within {} s, closing.", Describe.address(ctx.channel()),
                    CONNECT_TIMEOUT_SECONDS);
            ctx.close();
        }, CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // The TLS module logs refused handshakes itself; one line is enough.
        if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
            LOG.debug("TLS handshake with {} failed: {}", Describe.address(ctx.channel()), e.cause().toString());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (authenticating) {
            held.add(msg);
            return;
        }
        if (!(msg instanceof MqttMessage m)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        try {
            if (m.decoderResult().isFailure()) {
                ConnectRefusal.undecodable(ctx, m);
            } else if (m.fixedHeader().messageType() != MqttMessageType.CONNECT) {
                LOG.warn("Client {} sent {} before CONNECT, disconnecting.", Describe.address(ctx.channel()),
                        m.fixedHeader().messageType());
                ctx.close();
            } else {
                onConnect(ctx, (MqttConnectMessage) m);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onConnect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        PreConnectBudget.lift(ctx.pipeline());
        ConnectPacket packet = ConnectPacket.of(connect, options, listener);
        X509Certificate[] chain = PeerCertificates.of(ctx.pipeline().get(SslHandler.class));
        if (ConnectRefusal.beforeAuthentication(ctx, packet, listener.security(), chain)) {
            return;
        }
        authenticating = true;
        ctx.channel().config().setAutoRead(false);
        authentication.verdict(ctx, packet, chain, verdict -> finish(ctx, packet, chain, verdict));
    }

    private void finish(ChannelHandlerContext ctx, ConnectPacket asSent, X509Certificate[] chain,
                        AuthenticationResult result) {
        if (!ctx.channel().isActive()) {
            releaseHeld();
            return;
        }
        if (result == null || !result.accepted()) {
            refuseLogged(ctx, asSent, asSent.username(), !asSent.v5() ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED
                    : asSent.password() != null ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5,
                    "not authorised (" + LogSafe.text(result == null ? "no verdict" : result.reason()) + ")");
            return;
        }
        String unavailable = engine.clusterRefusal();
        if (unavailable != null) {
            refuseLogged(ctx, asSent, result.username(), asSent.v5()
                    ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE, unavailable);
            return;
        }
        ClientIdRules.Outcome ids = ClientIdRules.apply(asSent, result.username(), listener, options);
        if (ids.refusal() != null) {
            refuseLogged(ctx, asSent, result.username(), ids.refusal(), ids.cause());
            return;
        }
        ConnectPacket packet = ids.packet();
        ClientIdentity identity = new ClientIdentity(packet.clientId(), result.username(),
                Describe.inetPeer(ctx.channel()), Describe.localPort(ctx.channel()),
                chain == null ? null : chain[0]);
        Authorizer authorizer = PluginAuthorizer.of(
                listener.authorizer() != null ? listener.authorizer() : options.authorizer(), options.access().plugins());
        java.util.concurrent.CompletableFuture<String> claimed = engine.claimInCluster(identity, packet.cleanStart(),
                packet.will(), packet.willDelaySeconds());
        if (claimed == null) {
            connect(ctx, packet, identity, authorizer);
            return;
        }
        // A cluster node first owns the client id (and, from another node, its session): off the event loop.
        claimed.whenComplete((refusal, failure) -> ctx.executor().execute(() -> {
            if (!ctx.channel().isActive()) {
                releaseHeld();
            } else if (failure != null) {
                refuseLogged(ctx, packet, identity.username(), packet.v5()
                        ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE_5
                        : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                        "the cluster could not hand its session over (" + (failure instanceof java.util.concurrent.CompletionException
                                && failure.getCause() != null ? failure.getCause() : failure) + ")");
            } else if (refusal != null) {
                refuseLogged(ctx, packet, identity.username(), ClientIdRules.identifierNotValid(packet.v5()), refusal);
            } else {
                connect(ctx, packet, identity, authorizer);
                engine.attachedInCluster(identity);
            }
        }));
    }

    private void connect(ChannelHandlerContext ctx, ConnectPacket packet, ClientIdentity identity, Authorizer authorizer) {
        ConnectAnswer answer = ClientSession.connect(engine, new Permissions(identity, engine.counters().counting(authorizer)), packet.v5(),
                packet.cleanStart(), packet.sessionExpiry(), packet.will(), packet.willDelaySeconds());
        if (answer.refused()) {
            refuseLogged(ctx, packet, identity.username(), ClientIdRules.identifierNotValid(packet.v5()), answer.refusal());
            return;
        }
        if (Boolean.TRUE.equals(ctx.channel().attr(BridgeProtocolMark.BRIDGE).get())) {
            answer.client().markBridge();
        }
        handOver(ctx, packet, answer);
    }

    /** CONNACK, then the connected client's pipeline ({@link ConnectedPipeline}). */
    private void handOver(ChannelHandlerContext ctx, ConnectPacket packet, ConnectAnswer answer) {
        ClientSession client = answer.client();
        ChannelOutbox connection = new ChannelOutbox(ctx.channel(), client, engine.counters(),
                ConnectedPipeline.assignsTopicAliases(packet), ConnectedPipeline.stripsMountPoint(listener.rules()));
        // Attaching before CONNACK is written is safe: we are on the channel's event loop, so a
        // PUBLISH another thread writes now is queued behind this task, after the CONNACK.
        Dispatch redelivery = client.attach(connection, packet.receiveMaximum(), packet.maximumPacketSize());
        ctx.writeAndFlush(ConnAckPacket.accepted(packet, options, listener, answer.sessionPresent()));
        ChannelHandlerContext sessionCtx = ConnectedPipeline.install(ctx, engine, packet, connection, listener.rules());
        String username = client.identity().username();
        LogCategory.CONNECTIONS.info("New {} connected from {} as {} (p{}, c{}, k{}{}).", client.isBridge() ? "bridge" : "client",
                Describe.address(ctx.channel()),
                LogSafe.text(packet.clientId()), packet.protocolLogLevel(), packet.cleanStart() ? 1 : 0, packet.keepAlive(),
                username == null ? "" : ", u'" + LogSafe.text(username) + "'");
        redelivery.send();
        ConnectedPipeline.replay(sessionCtx, held);
    }

    private void refuseLogged(ChannelHandlerContext ctx, ConnectPacket packet, String username,
                              MqttConnectReturnCode code, String cause) {
        releaseHeld();
        ConnectRefusal.refuse(ctx, packet, username, code, cause);
    }

    private void releaseHeld() {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException || cause instanceof javax.net.ssl.SSLException
                || cause instanceof io.netty.handler.codec.DecoderException) {
            LOG.debug("Connection from {} failed before CONNECT: {}", Describe.address(ctx.channel()), cause.toString());
        } else {
            LOG.error("Unexpected error on the connection from {}", Describe.address(ctx.channel()), cause);
        }
        ctx.close();
    }
}

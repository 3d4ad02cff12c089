package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.engine.Limits;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.security.AuthenticationResult;
import dev.midge.broker.security.Authenticator;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.security.ConnectRequest;
import dev.midge.broker.listener.ListenerSecurity;
import dev.midge.broker.protocol.ClientSession;
import dev.midge.broker.protocol.Ending;
import dev.midge.broker.protocol.ReasonCode;
import dev.midge.broker.session.Dispatch;
import dev.midge.broker.session.Permissions;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Handles the first packet of a connection, which must be CONNECT: client id and keep-alive
 * rules, the certificate identity, the authenticator (off the event loop), the session
 * (new, resumed, or taken over), CONNACK, and then hands the channel to {@link PacketHandler}.
 */
final class ConnectHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);

    private final MqttEngine engine;
    private final BrokerOptions options;
    private final ListenerOptions listener;
    private final Executor authExecutor;
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
        this.authExecutor = authExecutor;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        LOG.info("New connection from {} on port {}.", Describe.address(ctx.channel()), Describe.localPort(ctx.channel()));
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
                refuseUndecodable(ctx, m);
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

    private void refuseUndecodable(ChannelHandlerContext ctx, MqttMessage m) {
        Throwable cause = m.decoderResult().cause();
        if (cause instanceof MqttUnacceptableProtocolVersionException) {
            LOG.warn("Client {} refused: unsupported protocol version.", Describe.address(ctx.channel()));
            refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
        } else if (cause instanceof MqttIdentifierRejectedException) {
            LOG.warn("Client {} refused: invalid client identifier.", Describe.address(ctx.channel()));
            refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
        } else {
            ProtocolViolation.decodeFailure(ctx.channel(), null, false, m.decoderResult());
        }
    }

    private static void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
        ctx.writeAndFlush(MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build())
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void onConnect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        PreConnectBudget.lift(ctx.pipeline());
        ConnectPacket packet = ConnectPacket.of(connect, options);
        String address = Describe.address(ctx.channel());
        if (packet.clientId().isEmpty()) {
            LOG.warn("Client {} refused: zero-length client id with clean session 0.", address);
            refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
            return;
        }
        if (packet.violation() != null) {
            ProtocolViolation.close(ctx.channel(), packet.clientId(), packet.v5(), packet.violationReason(), packet.violation());
            return;
        }
        if (packet.refusal() != null) {
            LOG.warn("Client {} refused: {}.", Describe.client(packet.clientId(), ctx.channel()), packet.refusalText());
            refuse(ctx, packet.refusal());
            return;
        }
        X509Certificate[] chain = PeerCertificates.of(ctx.pipeline().get(SslHandler.class));
        ListenerSecurity security = listener.security();
        if (security != null && security.requiresClientCertificate(ctx.channel()) && chain == null) {
            LOG.warn("Client {} refused: no client certificate.", Describe.client(packet.clientId(), ctx.channel()));
            refuse(ctx, packet.v5() ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
            return;
        }
        String handshakeUser = security == null ? null
                : chain != null ? security.usernameFor(chain) : security.transportUsername(ctx.channel());
        authenticating = true;
        ctx.channel().config().setAutoRead(false);
        if (handshakeUser != null) {
            finish(ctx, packet, chain, AuthenticationResult.accept(handshakeUser));
            return;
        }
        Authenticator authenticator = listener.authenticator() != null ? listener.authenticator() : options.authenticator();
        ConnectRequest request = new ConnectRequest(packet.clientId(), packet.username(), packet.password(),
                (InetSocketAddress) ctx.channel().remoteAddress(), Describe.localPort(ctx.channel()), chain);
        try {
            authExecutor.execute(() -> {
                AuthenticationResult result;
                try {
                    result = authenticator.authenticate(request);
                } catch (RuntimeException e) {
                    LOG.error("The authenticator failed for client {}", LogSafe.text(packet.clientId()), e);
                    result = AuthenticationResult.refuse("the authenticator failed");
                }
                AuthenticationResult verdict = result;
                ctx.executor().execute(() -> finish(ctx, packet, chain, verdict));
            });
        } catch (RejectedExecutionException e) {
            ctx.close(); // the broker is shutting down
        }
    }

    private void finish(ChannelHandlerContext ctx, ConnectPacket asSent, X509Certificate[] chain,
                        AuthenticationResult result) {
        if (!ctx.channel().isActive()) {
            releaseHeld();
            return;
        }
        if (result == null || !result.accepted()) {
            String reason = result == null ? "no verdict" : result.reason();
            LOG.warn("Client {} (username {}) refused: not authorised ({}).",
                    Describe.client(asSent.clientId(), ctx.channel()), LogSafe.text(asSent.username()), LogSafe.text(reason));
            releaseHeld();
            refuse(ctx, !asSent.v5() ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED
                    : asSent.password() != null ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5);
            return;
        }
        ClientIdRules.Outcome ids = ClientIdRules.apply(asSent, result.username(), listener, options);
        if (ids.refusal() != null) {
            refuseLogged(ctx, asSent, result.username(), ids.refusal(), ids.cause());
            return;
        }
        ConnectPacket packet = ids.packet();
        ClientIdentity identity = new ClientIdentity(packet.clientId(), result.username(),
                (InetSocketAddress) ctx.channel().remoteAddress(), Describe.localPort(ctx.channel()),
                chain == null ? null : chain[0]);
        Authorizer authorizer = listener.authorizer() != null ? listener.authorizer() : options.authorizer();

        Permissions permissions = new Permissions(identity, authorizer);
        MqttEngine.ConnectOutcome connected = engine.connect(permissions, packet.cleanStart(), packet.sessionExpiry());
        if (connected.refused()) {
            refuseLogged(ctx, packet, result.username(), ClientIdRules.identifierNotValid(packet.v5()),
                    "its client id has a session of username " + LogSafe.text(connected.foreignOwner().username())
                            + " (midge_clientid_takeover username)");
            return;
        }
        if (connected.foreignOwner() != null) {
            LOG.warn("Client {} (username {}) took the client id of username {}: that session was ended, not handed over.",
                    Describe.client(packet.clientId(), ctx.channel()), LogSafe.text(result.username()),
                    LogSafe.text(connected.foreignOwner().username()));
        }
        if (connected.takenOver() instanceof ChannelOutbox old) {
            LOG.info("Client {} already connected, closing old connection.", LogSafe.text(packet.clientId()));
            old.close(Ending.TAKEN_OVER, ReasonCode.SESSION_TAKEN_OVER);
        }
        ClientSession client = new ClientSession(engine, connected.session(), permissions, packet.v5(), packet.will(),
                packet.willDelaySeconds());
        ChannelOutbox connection = new ChannelOutbox(ctx.channel(), client);

        // Attaching before CONNACK is written is safe: we are on the channel's event loop, so a
        // PUBLISH another thread writes now is queued behind this task, after the CONNACK.
        Dispatch redelivery = client.attach(connection, packet.receiveMaximum(), packet.maximumPacketSize());
        ctx.writeAndFlush(connAck(packet, connected.sessionPresent()));
        if (packet.keepAlive() > 0) {
            ctx.pipeline().addBefore(ctx.name(), "keepalive", new KeepAliveHandler(packet.keepAlive(), connection));
        }
        if (packet.v5() && packet.topicAliasMaximum() > 0) {
            ctx.pipeline().addBefore(ctx.name(), "topicAliases", new OutboundTopicAliases(packet.topicAliasMaximum()));
        }
        PacketHandler handler = new PacketHandler(engine, connection);
        ctx.pipeline().replace(this, "session", handler);
        LOG.info("New client connected from {} as {} (p{}, c{}, k{}{}).", Describe.address(ctx.channel()),
                LogSafe.text(packet.clientId()), packet.protocolLogLevel(), packet.cleanStart() ? 1 : 0, packet.keepAlive(),
                result.username() == null ? "" : ", u'" + LogSafe.text(result.username()) + "'");
        redelivery.send();

        ChannelHandlerContext sessionCtx = ctx.pipeline().context(handler);
        for (Object m : held) {
            handler.channelRead(sessionCtx, m);
        }
        if (!held.isEmpty()) {
            handler.channelReadComplete(sessionCtx); // what the handler keeps until the end of a read
        }
        held.clear();
        sessionCtx.channel().config().setAutoRead(true);
    }

    private void refuseLogged(ChannelHandlerContext ctx, ConnectPacket packet, String username,
                              MqttConnectReturnCode code, String cause) {
        LOG.warn("Client {} (username {}) refused: {}.", Describe.client(packet.clientId(), ctx.channel()),
                LogSafe.text(username), cause);
        releaseHeld();
        refuse(ctx, code);
    }

    private MqttConnAckMessage connAck(ConnectPacket packet, boolean sessionPresent) {
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        if (packet.v5()) {
            MqttMessageBuilders.ConnAckPropertiesBuilder b = new MqttMessageBuilders.ConnAckPropertiesBuilder()
                    .receiveMaximum(Limits.receiveMaximum(options))
                    .topicAliasMaximum(options.maxTopicAlias())
                    .retainAvailable(options.retainAvailable())
                    .wildcardSubscriptionAvailable(true)
                    .subscriptionIdentifiersAvailable(true)
                    .sharedSubscriptionAvailable(true);
            if (packet.assignedClientId()) {
                b.assignedClientId(packet.clientId());
            }
            if (packet.serverKeepAlive()) {
                b.serverKeepAlive(packet.keepAlive());
            }
            if (options.messageSizeLimit() > 0) {
                b.maximumPacketSize(ConnectPacket.brokerMaximumPacketSize(options));
            }
            props = b.build();
        }
        return MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(sessionPresent).properties(props).build();
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

package dev.midge.broker.netty;

import dev.midge.broker.ListenerRules;
import dev.midge.broker.engine.MqttEngine;
import io.netty.channel.ChannelHandlerContext;

import java.util.List;

/**
 * Turns the pipeline of a channel whose CONNECT was accepted into a connected client's: the
 * keep-alive watch, outbound topic aliases (v5) and {@link PacketHandler} in place of the
 * CONNECT handler, then the packets that arrived during authentication, in order.
 */
final class ConnectedPipeline {

    private ConnectedPipeline() {
    }

    /** Replaces {@code connectCtx}'s handler; returns the new handler's context. */
    static ChannelHandlerContext install(ChannelHandlerContext connectCtx, MqttEngine engine, ConnectPacket packet,
                                         ChannelOutbox connection, ListenerRules rules) {
        if (packet.keepAlive() > 0) {
            connectCtx.pipeline().addBefore(connectCtx.name(), "keepalive", new KeepAliveHandler(packet.keepAlive(), connection));
        }
        if (assignsTopicAliases(packet)) {
            connectCtx.pipeline().addBefore(connectCtx.name(), "topicAliases",
                    new OutboundTopicAliases(packet.topicAliasMaximum()));
        }
        if (stripsMountPoint(rules)) {
            // Added after the aliases, so nearer the session: it strips before topics are aliased.
            connectCtx.pipeline().addBefore(connectCtx.name(), "mountPoint", new MountPointStrip(rules.mountPoint()));
        }
        PacketHandler handler = new PacketHandler(engine, connection, rules);
        connectCtx.pipeline().replace(connectCtx.handler(), "session", handler);
        return connectCtx.pipeline().context(handler);
    }

    /** Whether {@link #install} puts {@link OutboundTopicAliases} in the pipeline. */
    static boolean assignsTopicAliases(ConnectPacket packet) {
        return packet.v5() && packet.topicAliasMaximum() > 0;
    }

    /** Whether {@link #install} puts {@link MountPointStrip} in the pipeline. */
    static boolean stripsMountPoint(ListenerRules rules) {
        return rules.mountPoint() != null;
    }

    /** Hands over what was read while the authenticator decided, then reads again. */
    static void replay(ChannelHandlerContext sessionCtx, List<Object> held) {
        PacketHandler handler = (PacketHandler) sessionCtx.handler();
        for (Object m : held) {
            handler.channelRead(sessionCtx, m);
        }
        if (!held.isEmpty()) {
            handler.channelReadComplete(sessionCtx); // what the handler keeps until the end of a read
        }
        held.clear();
        sessionCtx.channel().config().setAutoRead(true);
    }
}

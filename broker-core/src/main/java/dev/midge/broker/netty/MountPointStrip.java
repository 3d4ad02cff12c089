package dev.midge.broker.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;

/**
 * Removes the listener's mount point from the topic of each PUBLISH sent to a client of a mounted
 * listener (its subscriptions were mounted, so every message it gets starts with it). Only in the
 * pipeline of such listeners, before outbound topic aliases, so aliases map the topic the client sees.
 */
final class MountPointStrip extends ChannelOutboundHandlerAdapter {

    private final String mountPoint;

    MountPointStrip(String mountPoint) {
        this.mountPoint = mountPoint;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof MqttPublishMessage p && p.variableHeader().topicName().startsWith(mountPoint)) {
            MqttPublishVariableHeader h = p.variableHeader();
            // The payload moves to the new message unchanged: no copy, no extra reference.
            msg = new MqttPublishMessage(p.fixedHeader(), new MqttPublishVariableHeader(
                    h.topicName().substring(mountPoint.length()), h.packetId(), h.properties()), p.payload());
        }
        ctx.write(msg, promise);
    }
}

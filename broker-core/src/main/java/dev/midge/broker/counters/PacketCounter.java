package dev.midge.broker.counters;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;

/**
 * Right behind the MQTT codec (one shared instance per broker): counts MQTT packets and PUBLISH
 * packets with their payload bytes, both ways, as mosquitto's {@code messages/*} and
 * {@code publish/*}. Reads only the fixed header and the payload's length.
 */
@ChannelHandler.Sharable
public final class PacketCounter extends ChannelDuplexHandler {

    private final BrokerCounters counters;

    public PacketCounter(BrokerCounters counters) {
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof MqttMessage m && m.fixedHeader() != null) {
            counters.packetsReceived.increment();
            if (m.fixedHeader().messageType() == MqttMessageType.PUBLISH && m instanceof MqttPublishMessage p) {
                counters.publishReceived.increment();
                counters.publishBytesReceived.add(p.payload().readableBytes());
            }
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof MqttMessage m && m.fixedHeader() != null) {
            counters.packetsSent.increment();
            if (m.fixedHeader().messageType() == MqttMessageType.PUBLISH && m instanceof MqttPublishMessage p) {
                counters.publishSent.increment();
                counters.publishBytesSent.add(p.payload().readableBytes());
            }
        }
        super.write(ctx, msg, promise);
    }
}

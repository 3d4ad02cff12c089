package dev.midge.broker.bridge;

import dev.midge.broker.message.Message;
import dev.midge.broker.netty.OutboundPackets;
import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.DeliverySink;
import dev.midge.broker.session.Outbound;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The remote connection as the bridge's local session sees it: what the session sends its
 * "client" goes to the remote broker, the topic remapped. Packet ids are the session's own, so
 * the remote's PUBACK/PUBREC/PUBCOMP settle the session's in-flight window directly.
 */
final class RemoteSink implements DeliverySink {

    /** Marks the bridge's own notification messages: sent to the remote as they are, not remapped. */
    static final String NOTIFICATION = new String("$midge-bridge-notification");

    private final Channel channel;
    private final TopicRemap remap;
    private final boolean v5;
    private final Queue<Outbound> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    RemoteSink(Channel channel, TopicRemap remap, boolean v5) {
        this.channel = channel;
        this.remap = remap;
        this.v5 = v5;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void enqueue(List<Outbound> packets) {
        outbox.addAll(packets);
    }

    @Override
    public void send(List<Outbound> packets) {
        if (scheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(this::write);
            } catch (RejectedExecutionException shuttingDown) {
                outbox.clear();
            }
        }
    }

    private void write() {
        scheduled.set(false);
        if (!channel.isActive()) {
            outbox.clear(); // the session keeps what must be resent on the next connection
            return;
        }
        Outbound p;
        boolean any = false;
        while ((p = outbox.poll()) != null) {
            channel.write(toMqtt(p)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
            any = true;
        }
        if (any) {
            channel.flush();
        }
    }

    private MqttMessage toMqtt(Outbound packet) {
        if (packet instanceof Outbound.PubRel rel) {
            return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(rel.packetId()));
        }
        Outbound.Publish publish = (Outbound.Publish) packet;
        Delivery d = publish.delivery();
        Message m = d.message();
        String topic = m.publisherId() == NOTIFICATION ? m.topic() : remap.out(m.topic());
        MqttFixedHeader fixed = new MqttFixedHeader(MqttMessageType.PUBLISH, publish.dup(), MqttQoS.valueOf(d.qos()),
                d.retain(), 0);
        // MQTT 5: the publisher's properties and the time left to live travel on, as to any subscriber.
        MqttProperties properties = v5 ? OutboundPackets.properties(d, System.nanoTime()) : MqttProperties.NO_PROPERTIES;
        return new MqttPublishMessage(fixed, new MqttPublishVariableHeader(topic, publish.packetId(), properties),
                Unpooled.wrappedBuffer(m.payload()));
    }

    @Override
    public long writableBytes() {
        return channel.bytesBeforeUnwritable();
    }
}

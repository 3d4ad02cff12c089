package dev.midge.broker.netty;

import dev.midge.broker.message.Message;
import dev.midge.broker.protocol.ReasonCode;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.Outbound;
import dev.midge.broker.session.Session;
import dev.midge.broker.session.SessionConnection;
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
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connected client after a successful CONNECT: who it is, what it negotiated, and how
 * session packets become MQTT packets on its channel.
 */
public final class ClientConnection implements SessionConnection {

    private final Channel channel;
    private final ClientIdentity identity;
    private final Authorizer authorizer;
    private final boolean v5;
    private final Session session;
    final Message will;
    final long willDelaySeconds;
    volatile boolean takenOver;
    /** Set once a line saying why the connection ends was logged, so channelInactive adds none. */
    volatile boolean closeLogged;
    private final Queue<Outbound> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicLong outboxBytes = new AtomicLong();
    private final AtomicBoolean outboxScheduled = new AtomicBoolean();

    public ClientConnection(Channel channel, ClientIdentity identity, Authorizer authorizer, boolean v5,
                            Session session, Message will, long willDelaySeconds) {
        this.channel = channel;
        this.identity = identity;
        this.authorizer = authorizer;
        this.v5 = v5;
        this.session = session;
        this.will = will;
        this.willDelaySeconds = willDelaySeconds;
    }

    public Channel channel() {
        return channel;
    }

    public ClientIdentity identity() {
        return identity;
    }

    public Authorizer authorizer() {
        return authorizer;
    }

    public boolean isV5() {
        return v5;
    }

    public Session session() {
        return session;
    }

    public String clientId() {
        return identity.clientId();
    }

    /** Appends to the outbox, in the session's order (under its lock). */
    @Override
    public void enqueue(List<Outbound> packets) {
        long bytes = 0;
        for (Outbound p : packets) {
            outbox.add(p);
            bytes += estimatedSize(p);
        }
        outboxBytes.addAndGet(bytes);
    }

    /**
     * Has the outbox written on the channel's event loop. One task writes and flushes all that
     * has gathered: one task and one flush for many messages, not two tasks each when the
     * packets come from other threads (publishers' event loops).
     */
    @Override
    public void send(List<Outbound> enqueued) {
        if (outboxScheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(this::writeOutbox);
            } catch (RejectedExecutionException shuttingDown) {
                outbox.clear(); // the broker is stopping: nothing will be written any more
            }
        }
    }

    private void writeOutbox() {
        outboxScheduled.set(false);
        if (!channel.isActive()) {
            // Closed since this was scheduled (a publisher on another loop raced the disconnect).
            // The session keeps what must be redelivered; a write now would only fail, and once
            // the pipeline is gone its failure reaches Netty's tail as a spurious warning.
            Outbound dropped;
            while ((dropped = outbox.poll()) != null) {
                outboxBytes.addAndGet(-estimatedSize(dropped));
            }
            return;
        }
        long now = System.nanoTime();
        long written = 0;
        Outbound p;
        while ((p = outbox.poll()) != null) {
            written += estimatedSize(p);
            channel.write(toMqtt(p, now)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }
        if (written > 0) {
            outboxBytes.addAndGet(-written);
            channel.flush();
        }
        // QoS 0 may have waited because the outbox was full rather than the socket.
        if (channel.isActive() && channel.isWritable()) {
            session.onWritable().send();
        }
    }

    private static long estimatedSize(Outbound p) {
        return p instanceof Outbound.Publish publish
                ? 8L + publish.delivery().message().topic().length() + publish.delivery().message().payload().length
                : 4L;
    }

    /** Bytes before Netty's high-water mark, less what waits in the outbox. */
    @Override
    public long writableBytes() {
        return Math.max(0, channel.bytesBeforeUnwritable() - outboxBytes.get());
    }

    /** Closes this connection because another one took over its client id. */
    void takeOver() {
        takenOver = true;
        closeWithReason(ReasonCode.SESSION_TAKEN_OVER);
    }

    /** Sends DISCONNECT with the reason code (v5 only; 3.1.1 has none) and closes. */
    void closeWithReason(ReasonCode reasonCode) {
        closeWithReason(channel, v5, reasonCode);
    }

    static void closeWithReason(Channel channel, boolean v5, ReasonCode reasonCode) {
        if (v5 && channel.isActive()) {
            MqttMessage disconnect = new MqttMessage(
                    new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    new MqttReasonCodeAndPropertiesVariableHeader((byte) reasonCode.value(), MqttProperties.NO_PROPERTIES));
            channel.writeAndFlush(disconnect).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    private MqttMessage toMqtt(Outbound packet, long now) {
        if (packet instanceof Outbound.PubRel rel) {
            return new MqttMessage(
                    new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(rel.packetId()));
        }
        Outbound.Publish publish = (Outbound.Publish) packet;
        Delivery d = publish.delivery();
        Message m = d.message();
        MqttFixedHeader fixed = new MqttFixedHeader(MqttMessageType.PUBLISH, publish.dup(),
                MqttQoS.valueOf(d.qos()), d.retain(), 0);
        MqttProperties props = v5 ? properties(d, now) : MqttProperties.NO_PROPERTIES;
        // The payload array is shared by every subscriber; wrapping does not copy it.
        return new MqttPublishMessage(fixed, new MqttPublishVariableHeader(m.topic(), publish.packetId(), props),
                Unpooled.wrappedBuffer(m.payload()));
    }

    private static MqttProperties properties(Delivery d, long now) {
        Message m = d.message();
        Message.ForwardedProperties f = m.properties();
        MqttProperties props = new MqttProperties();
        if (f.payloadFormatIndicator() != null) {
            props.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), f.payloadFormatIndicator()));
        }
        long expiry = m.remainingExpirySeconds(now);
        if (expiry >= 0) {
            props.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), (int) expiry));
        }
        if (f.contentType() != null) {
            props.add(new MqttProperties.StringProperty(
                    MqttProperties.MqttPropertyType.CONTENT_TYPE.value(), f.contentType()));
        }
        if (f.responseTopic() != null) {
            props.add(new MqttProperties.StringProperty(
                    MqttProperties.MqttPropertyType.RESPONSE_TOPIC.value(), f.responseTopic()));
        }
        if (f.correlationData() != null) {
            props.add(new MqttProperties.BinaryProperty(
                    MqttProperties.MqttPropertyType.CORRELATION_DATA.value(), f.correlationData()));
        }
        for (Map.Entry<String, String> u : f.userProperties()) {
            props.add(new MqttProperties.UserProperty(u.getKey(), u.getValue()));
        }
        for (int id : d.subscriptionIdentifiers()) {
            props.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), id));
        }
        return props;
    }

    /** "client ID from 1.2.3.4:5678", for log lines. */
    public String describe() {
        return Describe.client(identity.clientId(), channel);
    }
}

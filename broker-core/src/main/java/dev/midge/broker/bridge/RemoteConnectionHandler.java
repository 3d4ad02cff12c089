package dev.midge.broker.bridge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a bridge's client pipeline: sends CONNECT when the connection is up,
 * translates what the remote sends into calls on the {@link Bridge}, and keeps the connection
 * alive (PINGREQ when nothing was written for the keep alive; closed when nothing was read for
 * one and a half).
 */
final class RemoteConnectionHandler extends ChannelInboundHandlerAdapter {

    private final Bridge bridge;
    private boolean connAcked;

    RemoteConnectionHandler(Bridge bridge) {
        this.bridge = bridge;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(bridge.connectPacket()).addListener(f -> {
            if (!f.isSuccess()) {
                bridge.failed(ctx.channel(), "CONNECT could not be sent: " + describe(f.cause()));
                ctx.close();
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof MqttMessage m)) {
                return;
            }
            if (m.decoderResult().isFailure()) {
                bridge.failed(ctx.channel(), "the remote sent a malformed packet: " + describe(m.decoderResult().cause()));
                ctx.close();
                return;
            }
            MqttMessageType type = m.fixedHeader().messageType();
            if (!connAcked && type != MqttMessageType.CONNACK) {
                bridge.failed(ctx.channel(), "the remote sent " + type + " before CONNACK");
                ctx.close();
                return;
            }
            switch (type) {
                case CONNACK -> connAck(ctx, (MqttConnAckMessage) m);
                case PUBLISH -> bridge.remotePublish(ctx.channel(), (MqttPublishMessage) m);
                case PUBACK -> bridge.remoteAcknowledged(packetId(m));
                case PUBREC -> bridge.remoteReceived(packetId(m), reasonCode(m));
                case PUBCOMP -> bridge.remoteCompleted(packetId(m));
                case PUBREL -> bridge.remoteReleased(ctx.channel(), packetId(m));
                case SUBACK -> bridge.subAcked(((MqttSubAckMessage) m).payload().reasonCodes());
                case UNSUBACK, PINGRESP -> { }
                case DISCONNECT -> bridge.failed(ctx.channel(), "the remote sent DISCONNECT");
                default -> {
                    bridge.failed(ctx.channel(), "the remote sent " + type + ", which a server must not");
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void connAck(ChannelHandlerContext ctx, MqttConnAckMessage m) {
        MqttConnectReturnCode code = m.variableHeader().connectReturnCode();
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            bridge.refused(ctx.channel(), code);
            ctx.close();
            return;
        }
        connAcked = true;
        bridge.connected(ctx.channel(), m);
    }

    private static int packetId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    private static int reasonCode(MqttMessage m) {
        return m.variableHeader() instanceof MqttPubReplyMessageVariableHeader v ? v.reasonCode() : 0;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false,
                        MqttQoS.AT_MOST_ONCE, false, 0)));
            } else if (idle.state() == IdleState.READER_IDLE) {
                bridge.failed(ctx.channel(), "the remote did not answer within the keep alive");
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        bridge.disconnected(ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        bridge.failed(ctx.channel(), describe(cause));
        ctx.close();
    }

    /** The innermost cause's message: an SSLHandshakeException inside a DecoderException says what happened. */
    static String describe(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return dev.midge.broker.logging.LogSafe.text(text);
    }
}

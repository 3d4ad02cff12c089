package dev.midge.broker.bridge;

import dev.midge.broker.bridge.BridgeOptions.Address;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollEventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Opens a bridge's client connection on the broker's own event loop. The pipeline reads as a
 * sentence: [TLS] → MQTT decoder/encoder → [try_private mark] → keep-alive → the bridge's handler.
 */
final class RemoteConnector {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final Bridge bridge;
    private final BridgeOptions options;
    private final EventLoop loop;

    RemoteConnector(Bridge bridge, BridgeOptions options, EventLoop loop) {
        this.bridge = bridge;
        this.options = options;
        this.loop = loop;
    }

    void connect(Address address, InetSocketAddress resolved, boolean tryPrivate) {
        Bootstrap b = bootstrap().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                if (options.transport() != null) {
                    p.addLast("tls", options.transport().newHandler(ch, address.host(), address.port()));
                }
                int maxPacket = options.maxPacketSize() > 0 ? (int) Math.min(options.maxPacketSize(), 268_435_460L)
                        : 268_435_460;
                p.addLast("mqttDecoder", new MqttDecoder(maxPacket, 65_535));
                p.addLast("mqttEncoder", MqttEncoder.INSTANCE);
                if (tryPrivate) {
                    p.addBefore("mqttEncoder", "tryPrivate", new TryPrivateMark());
                }
                int keepalive = options.keepalive();
                p.addLast("keepalive", new IdleStateHandler(keepalive * 3L / 2, keepalive, 0, TimeUnit.SECONDS));
                p.addLast("bridge", new RemoteConnectionHandler(bridge));
            }
        });
        ChannelFuture f = b.connect(resolved);
        bridge.opened(f.channel());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                f.channel().close();
                bridge.attemptFailed(address, RemoteConnectionHandler.describe(done.cause()));
            }
        });
    }

    /** A bare TCP connection to see whether an address answers again (closed at once). */
    ChannelFuture probe(InetSocketAddress resolved) {
        ChannelFuture f = bootstrap().handler(new io.netty.channel.ChannelInboundHandlerAdapter()).connect(resolved);
        f.addListener(done -> f.channel().close());
        return f;
    }

    private Bootstrap bootstrap() {
        return new Bootstrap().group(loop)
                .channel(loop instanceof EpollEventLoop ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
    }
}

package dev.midge.broker.netty;

import dev.midge.broker.ListenerOptions;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.counters.HandshakeTimer;
import dev.midge.broker.counters.TrafficCounter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.mqtt.MqttEncoder;

import java.util.concurrent.Executor;

/**
 * The pipeline of one connection, in the order bytes flow:
 * [connection limit] → [TLS] → [pre-CONNECT byte budget + HTTP + (http_dir's files) + WebSocket + frame adapter] →
 * packet size limit → MQTT decoder ({@link MqttFrameDecoder})/encoder → (keep-alive, added after CONNECT) →
 * CONNECT/authentication → (the session handler, which replaces it after CONNACK).
 *
 * <p>Before CONNECT a connection can make the broker hold at most a CONNECT of
 * {@link PacketSizeLimit#maxConnectSize} bytes (plus one read, and for WebSockets the HTTP
 * upgrade); after it, at most a packet of the broker's Maximum Packet Size.
 */
public final class MqttChannelInitializer extends ChannelInitializer<Channel> {

    private final ListenerOptions listener;
    private final MqttEngine engine;
    private final Executor authExecutor;
    private final ChannelGroup allChannels;
    private final ConnectionLimiter limiter;
    private final TrafficCounter traffic;
    /** mosquitto's http_dir (its real path) on a WebSocket listener, or null. */
    private final java.nio.file.Path httpDir;

    public MqttChannelInitializer(ListenerOptions listener, MqttEngine engine, Executor authExecutor,
                                  ChannelGroup allChannels) {
        this(listener, engine, authExecutor, allChannels, new TrafficCounter(engine.counters()));
    }

    /** {@code traffic} counts this listener's bytes and connections ($SYS, /metrics). */
    public MqttChannelInitializer(ListenerOptions listener, MqttEngine engine, Executor authExecutor,
                                  ChannelGroup allChannels, TrafficCounter traffic) {
        this.traffic = traffic;
        this.listener = listener;
        this.engine = engine;
        this.authExecutor = authExecutor;
        this.allChannels = allChannels;
        this.limiter = listener.maxConnections() >= 0 ? new ConnectionLimiter(listener.maxConnections()) : null;
        this.httpDir = httpDir(listener);
    }

    /** http_dir's real path, resolved once at start: a directory that is not there stops start-up. */
    private static java.nio.file.Path httpDir(ListenerOptions listener) {
        java.nio.file.Path dir = listener.files().httpDir();
        if (dir == null || listener.protocol() != ListenerOptions.Protocol.WEBSOCKETS) {
            return null;
        }
        try {
            java.nio.file.Path real = dir.toRealPath();
            if (!java.nio.file.Files.isDirectory(real)) {
                throw new IllegalStateException("http_dir " + dir + " is not a directory");
            }
            return real;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("http_dir " + dir + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    protected void initChannel(Channel ch) {
        allChannels.add(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast("traffic", traffic);
        if (limiter != null) {
            p.addLast("limit", limiter);
        }
        if (listener.security() != null) {
            p.addLast("tls", listener.security().newTlsHandler(ch));
            p.addLast("handshakeTimer", new HandshakeTimer(engine.counters()));
        }
        int maxPacket = ConnectPacket.brokerMaximumPacketSize(engine.options());
        int maxConnect = PacketSizeLimit.maxConnectSize(engine.options());
        if (listener.protocol() == ListenerOptions.Protocol.WEBSOCKETS) {
            int headers = engine.options().webSocketHeadersSize();
            p.addLast("preConnectBudget", new PreConnectBudget(maxConnect, headers));
            p.addLast("http", new HttpServerCodec(HttpObjectDecoder.DEFAULT_MAX_INITIAL_LINE_LENGTH, headers,
                    HttpObjectDecoder.DEFAULT_MAX_CHUNK_SIZE));
            p.addLast("httpAggregator", new HttpObjectAggregator(65_536));
            p.addLast("upgradeCheck", new UpgradeRequestCheck());
            if (httpDir != null) {
                p.addLast("httpDir", new HttpDirHandler(httpDir, authExecutor));
            }
            p.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath("/")
                    .checkStartsWith(true) // any path, as mosquitto accepts
                    .subprotocols("mqtt, mqttv3.1")
                    .maxFramePayloadLength(maxPacket)
                    .build()));
            p.addLast("websocketFrames", new WebSocketFrameCodec());
        }
        p.addLast("packetSize", new PacketSizeLimit(maxConnect, maxPacket));
        p.addLast("bridgeMark", new BridgeProtocolMark());
        p.addLast("mqttDecoder", new MqttFrameDecoder(maxPacket));
        p.addLast("mqttEncoder", MqttEncoder.INSTANCE);
        p.addLast("packetCounter", engine.packetCounter());
        p.addLast("connect", new ConnectHandler(engine, listener, authExecutor));
    }
}

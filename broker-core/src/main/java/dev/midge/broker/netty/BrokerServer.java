package dev.midge.broker.netty;


import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.listener.UnixSocketFile;
import dev.midge.broker.counters.TrafficCounter;
import dev.midge.broker.metrics.FigureSource;
import dev.midge.broker.sys.MetricsEndpoint;
import dev.midge.broker.sys.SysTopicPublisher;
import dev.midge.broker.persist.DurableState;
import dev.midge.broker.protocol.Ending;
import dev.midge.broker.protocol.ReasonCode;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.session.Session;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The running server behind {@code MidgeBroker}: event loops (NIO; epoll only with
 * {@code -Dmidge.transport=epoll}), one bound socket per listener, the authenticator's
 * executor and the timer for wills and session expiry. Wired by hand, here, in one place.
 */
public final class BrokerServer {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerServer.class);

    private final MqttEngine engine;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ExecutorService authExecutor;
    private final ScheduledExecutorService timer;
    private final ChannelGroup allChannels = new DefaultChannelGroup("midge", GlobalEventExecutor.INSTANCE);
    private final List<Channel> serverChannels = new ArrayList<>();
    private final DurableState durable;
    private final List<MetricsEndpoint.ListenerTraffic> listenerTraffic = new ArrayList<>();
    private SysTopicPublisher sysTopics;
    private MetricsEndpoint metrics;

    private BrokerServer(BrokerOptions options, DurableState durable) {
        this.durable = durable;
        // NIO by default: when a read stops at the per-read limit, epoll (ET and LT alike)
        // re-runs it as a task, and a loop runs at least 64 tasks between two epoll_waits, so a
        // flood of publishers kept a subscriber's PUBACKs unread for hundreds of milliseconds
        // (fan-in QoS 1 at 20 messages per turn). NIO's select takes turns fairly.
        boolean epoll = "epoll".equals(System.getProperty("midge.transport")) && Epoll.isAvailable();
        this.bossGroup = epoll ? new EpollEventLoopGroup(1, new DefaultThreadFactory("midge-accept"))
                : new NioEventLoopGroup(1, new DefaultThreadFactory("midge-accept"));
        this.workerGroup = epoll ? new EpollEventLoopGroup(eventLoops(), new DefaultThreadFactory("midge-io"))
                : new NioEventLoopGroup(eventLoops(), new DefaultThreadFactory("midge-io"));
        this.authExecutor = Executors.newFixedThreadPool(2, new DefaultThreadFactory("midge-auth", true));
        this.timer = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("midge-timer", true));
        this.engine = new MqttEngine(options, timer, durable);
    }

    /**
     * One event loop per core, not Netty's two: a loop never blocks, so a second one per core only
     * adds a thread that preempts the first and more messages that hop to the subscriber's loop. On
     * 2 cores the warm mTLS fan-in's event loops took 2.6 µs per message with 2 loops against 4.6 with
     * 4 (medians of 3 interleaved rounds, BENCHMARKS.md, h-fanin). {@code -Dio.netty.eventLoopThreads=N}
     * still decides.
     */
    static int eventLoops() {
        return io.netty.util.internal.SystemPropertyUtil.getInt("io.netty.eventLoopThreads",
                io.netty.util.NettyRuntime.availableProcessors());
    }

    public static BrokerServer start(BrokerOptions options) throws InterruptedException {
        return start(options, List.of());
    }

    /** @param coreFigures figures of what the embedding API owns (its bridges), next to the options' sources */
    public static BrokerServer start(BrokerOptions options, List<FigureSource> coreFigures) throws InterruptedException {
        // Opened (and read whole) first: an unreadable store stops start-up before any thread exists.
        DurableState durable = options.persistenceLocation() == null ? null
                : DurableState.open(options.persistenceLocation(), options.discardCorruptStore());
        BrokerServer server;
        try {
            server = new BrokerServer(options, durable);
        } catch (RuntimeException e) {
            if (durable != null) {
                durable.close();
            }
            throw e;
        }
        try {
            if (options.cluster() != null) {
                // Joined before any client can connect: a node must see the cluster's state first.
                joinCluster(server.engine, options);
            }
            for (ListenerOptions listener : options.listeners()) {
                server.bind(listener);
            }
            server.startReporting(options, coreFigures);
        } catch (InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static void joinCluster(MqttEngine engine, BrokerOptions options) throws InterruptedException {
        try {
            engine.joinCluster(options.cluster());
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot join the cluster: " + e.getMessage(), e);
        }
    }

    private void bind(ListenerOptions listener) throws InterruptedException {
        if (listener.files().unixSocket() != null) {
            bindUnixSocket(listener, listener.files().unixSocket());
            return;
        }
        TrafficCounter traffic = new TrafficCounter(engine.counters());
        Class<? extends ServerChannel> channelType = workerGroup instanceof EpollEventLoopGroup
                ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, BufferAllocator.forBroker())
                // One read of at most 4 KiB per connection per turn of the event loop, taking
                // turns with every other connection on it (what is left is read next turn): a
                // flood of publishers must not starve the subscriber sharing their loop, whose
                // PUBACKs refill its in-flight window. 4 KiB delivered more than 16 KiB at every
                // fan-in row of the side-by-side bench (BENCHMARKS.md).
                .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                        new AdaptiveRecvByteBufAllocator(64, 2048, 4 * 1024).maxMessagesPerRead(1))
                .childHandler(new MqttChannelInitializer(listener, engine, authExecutor, allChannels, traffic));
        if (channelType == EpollServerSocketChannel.class) {
            // Level-triggered at least reports what a capped read left (edge-triggered would not).
            b.childOption(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED);
        }
        InetSocketAddress address = listener.bindAddress() == null
                ? new InetSocketAddress(listener.port()) : new InetSocketAddress(listener.bindAddress(), listener.port());
        var future = b.bind(address).await();
        if (!future.isSuccess()) {
            // Epoll reports a bind failure as a NativeIoException; embedders look for BindException.
            String message = "Cannot listen on " + Describe.address(address) + ": " + future.cause().getMessage();
            java.net.BindException bind = new java.net.BindException(message);
            bind.initCause(future.cause());
            throw new IllegalStateException(message, bind);
        }
        serverChannels.add(future.channel());
        InetSocketAddress bound = (InetSocketAddress) future.channel().localAddress();
        listenerTraffic.add(new MetricsEndpoint.ListenerTraffic(
                io.netty.util.NetUtil.toSocketAddressString(bound), traffic));
        LOG.info("Opening {} listen socket on {}:{}{}.", socketFamily(bound),
                bound.getAddress().isAnyLocalAddress() ? "*" : io.netty.util.NetUtil.toAddressString(bound.getAddress()), bound.getPort(),
                (listener.protocol() == ListenerOptions.Protocol.WEBSOCKETS ? " (websockets" : " (mqtt")
                        + (listener.security() != null ? ", TLS)" : ")"));
    }

    /**
     * mosquitto's {@code listener 0 PATH}: the same pipeline on a unix-domain socket. NIO serves it since
     * JDK 16 (Netty's NioServerDomainSocketChannel), so no native library is needed; Netty removes the
     * file when the channel closes.
     */
    private void bindUnixSocket(ListenerOptions listener, java.nio.file.Path path) throws InterruptedException {
        UnixSocketFile.prepare(path);
        TrafficCounter traffic = new TrafficCounter(engine.counters());
        boolean epoll = workerGroup instanceof EpollEventLoopGroup;
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.ALLOCATOR, BufferAllocator.forBroker())
                .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                        new AdaptiveRecvByteBufAllocator(64, 2048, 4 * 1024).maxMessagesPerRead(1))
                .childHandler(new MqttChannelInitializer(listener, engine, authExecutor, allChannels, traffic));
        java.net.SocketAddress address = epoll ? new DomainSocketAddress(path.toFile())
                : java.net.UnixDomainSocketAddress.of(path);
        var future = b.bind(address).await();
        if (!future.isSuccess()) {
            String message = "Cannot listen on unix socket " + path + ": " + future.cause().getMessage();
            java.net.BindException bind = new java.net.BindException(message);
            bind.initCause(future.cause());
            throw new IllegalStateException(message, bind);
        }
        serverChannels.add(future.channel());
        listenerTraffic.add(new MetricsEndpoint.ListenerTraffic("unix:" + path, traffic));
        LOG.info("Opening unix listen socket on path {}{}.", path, listener.security() != null ? " (TLS)" : "");
    }

    /** $SYS topics every sys_interval, and the metrics endpoint if asked for. */
    private void startReporting(BrokerOptions options, List<FigureSource> coreFigures) {
        var sys = options.sys();
        List<FigureSource> sources = new ArrayList<>(sys.figureSources());
        sources.addAll(coreFigures);
        sysTopics = SysTopicPublisher.start(engine, sources, timer, sys.sysIntervalSeconds());
        if (sys.metricsListener() != null) {
            metrics = MetricsEndpoint.start(sys.metricsListener(), engine, sources, listenerTraffic,
                    () -> serverChannels.stream().allMatch(Channel::isActive));
        }
    }

    /** The metrics endpoint's port, or -1 without one. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    public MqttEngine engine() {
        return engine;
    }

    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> result = new ArrayList<>();
        for (Channel c : serverChannels) {
            if (c.localAddress() instanceof InetSocketAddress inet) { // a unix socket listener has a path
                result.add(inet);
            }
        }
        return result;
    }

    public List<ClientIdentity> connectedClients() {
        List<ClientIdentity> result = new ArrayList<>();
        for (ChannelOutbox c : connections()) {
            result.add(c.client().identity());
        }
        return result;
    }

    private List<ChannelOutbox> connections() {
        List<ChannelOutbox> result = new ArrayList<>();
        for (Session s : engine.sessions().all()) {
            if (s.connection() instanceof ChannelOutbox c && c.channel().isActive()) {
                result.add(c);
            }
        }
        return result;
    }

    public int disconnectClients(Predicate<ClientIdentity> which, String reason) {
        int count = 0;
        for (ChannelOutbox c : connections()) {
            if (which.test(c.client().identity())) {
                count++;
                c.close(Ending.ADMINISTRATIVE_ACTION, reason, ReasonCode.ADMINISTRATIVE_ACTION);
            }
        }
        return count;
    }

    /** One of the connections' event loops, for a client connection the broker makes itself (a bridge). */
    public io.netty.channel.EventLoop nextEventLoop() {
        return workerGroup.next();
    }

    public void close() {
        if (metrics != null) {
            metrics.close();
        }
        if (sysTopics != null) {
            sysTopics.close();
        }
        for (Channel c : serverChannels) {
            c.close().awaitUninterruptibly();
        }
        allChannels.close().awaitUninterruptibly();
        authExecutor.shutdownNow();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        timer.shutdownNow();
        engine.clear();
        if (durable != null) {
            durable.close();
        }
    }

    /** mosquitto's words: a wildcard bind serves both families on a dual-stack socket. */
    private static String socketFamily(InetSocketAddress bound) {
        if (bound.getAddress().isAnyLocalAddress()) {
            return "ipv4/ipv6";
        }
        return bound.getAddress() instanceof java.net.Inet6Address ? "ipv6" : "ipv4";
    }
}

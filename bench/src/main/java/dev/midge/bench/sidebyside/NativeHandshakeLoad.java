package dev.midge.bench.sidebyside;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The handshake storm of {@link HandshakeLoad} with a lighter client: BoringSSL (netty-tcnative)
 * on one Netty event loop instead of JSSE on blocking threads, so that on a 2-core machine the
 * load generator takes less of the CPU both brokers are measured on. Same iteration: TCP connect,
 * full TLS 1.3 handshake with the device certificate, CONNECT/CONNACK, DISCONNECT, close. Every
 * handshake is a full one: the engine is made without the peer's host and port, which is what
 * Netty's client session cache is keyed on, so there is never a session to offer.
 */
final class NativeHandshakeLoad {

    private NativeHandshakeLoad() {
    }

    static HandshakeLoad.Result run(BenchPki pki, BrokerProcess broker, int connections, Duration warmup,
                                    Duration measure) throws Exception {
        if (!OpenSsl.isAvailable()) {
            throw new IllegalStateException("--handshake-client openssl: netty-tcnative did not load: "
                    + OpenSsl.unavailabilityCause());
        }
        var device = pki.client(BenchPki.DEVICE);
        SslContext context = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .keyManager(device.privateKey(), device.certificate())
                .trustManager(pki.caCertificate())
                .protocols("TLSv1.3")
                .build();
        List<Thread> loopThreads = new CopyOnWriteArrayList<>();
        NioEventLoopGroup group = new NioEventLoopGroup(1, runnable -> {
            Thread thread = new Thread(runnable, "native-handshake-client");
            thread.setDaemon(true);
            loopThreads.add(thread);
            return thread;
        });
        AtomicBoolean counting = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong ids = new AtomicLong();
        String[] negotiated = {"?"};
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        try {
            Runnable[] next = new Runnable[1];
            next[0] = () -> {
                if (!running.get()) {
                    return;
                }
                bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler tls = context.newHandler(ch.alloc());
                        ch.pipeline().addLast(tls, new OneConnect(tls, "nh-" + ids.incrementAndGet(), counting, done,
                                failed, negotiated));
                        ch.closeFuture().addListener(closed -> next[0].run());
                    }
                }).connect("127.0.0.1", broker.port()).addListener(connected -> {
                    if (!connected.isSuccess()) {
                        if (counting.get()) {
                            failed.incrementAndGet();
                        }
                        group.next().execute(next[0]);
                    }
                });
            };
            for (int i = 0; i < connections; i++) {
                group.execute(next[0]);
            }
            Thread.sleep(warmup.toMillis()); // the warm-up is a duration, not a synchronisation
            long before = done.get();
            long start = System.nanoTime();
            double cpuBefore = broker.cpuMillis();
            double jitBefore = broker.jitMillis();
            var threadsBefore = broker.cpuMillisByThread();
            double clientBefore = HandshakeLoad.cpuMillis(loopThreads);
            counting.set(true);
            Thread.sleep(measure.toMillis());
            long count = done.get() - before;
            double cpu = broker.cpuMillis() - cpuBefore;
            double jit = broker.jitMillis() - jitBefore;
        String byThread = BrokerProcess.perOperation(threadsBefore, broker.cpuMillisByThread(), count);
            double client = HandshakeLoad.cpuMillis(loopThreads) - clientBefore;
            double seconds = (System.nanoTime() - start) / 1e9;
            counting.set(false);
            running.set(false);
            return new HandshakeLoad.Result(count / seconds, count == 0 ? Double.NaN : cpu / count,
                    count == 0 ? Double.NaN : jit / count, count == 0 ? Double.NaN : client / count, failed.get(),
                    negotiated[0] + " (client BoringSSL)", byThread);
        } finally {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One iteration's client: CONNECT once the handshake is done, DISCONNECT and close on CONNACK. */
    private static final class OneConnect extends ChannelInboundHandlerAdapter {
        private final SslHandler tls;
        private final String clientId;
        private final AtomicBoolean counting;
        private final AtomicLong done;
        private final AtomicLong failed;
        private final String[] negotiated;
        private ByteBuf connack;
        private boolean finished;

        OneConnect(SslHandler tls, String clientId, AtomicBoolean counting, AtomicLong done, AtomicLong failed,
                   String[] negotiated) {
            this.tls = tls;
            this.clientId = clientId;
            this.counting = counting;
            this.done = done;
            this.failed = failed;
            this.negotiated = negotiated;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent completion) {
                if (!completion.isSuccess()) {
                    fail(ctx);
                    return;
                }
                negotiated[0] = tls.engine().getSession().getProtocol() + " " + tls.engine().getSession().getCipherSuite();
                ctx.writeAndFlush(Unpooled.wrappedBuffer(MqttFrames.connect(clientId)));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            try {
                if (connack == null) {
                    connack = ctx.alloc().heapBuffer(4);
                }
                connack.writeBytes(bytes, Math.min(bytes.readableBytes(), connack.writableBytes()));
            } finally {
                bytes.release();
            }
            if (connack.readableBytes() == 4 && !finished) {
                finished = true;
                boolean accepted = connack.getByte(0) == 0x20 && connack.getByte(3) == 0;
                if (accepted && counting.get()) {
                    done.incrementAndGet();
                } else if (!accepted && counting.get()) {
                    failed.incrementAndGet();
                }
                ctx.writeAndFlush(Unpooled.wrappedBuffer(MqttFrames.DISCONNECT)).addListener(f -> ctx.close());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (connack != null) {
                connack.release();
                connack = null;
            }
            if (!finished && counting.get()) {
                failed.incrementAndGet();
            }
            finished = true;
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx);
        }

        private void fail(ChannelHandlerContext ctx) {
            if (!finished && counting.get()) {
                failed.incrementAndGet();
            }
            finished = true;
            ctx.close();
        }
    }
}

package dev.midge.bench;

import dev.midge.acl.Access;
import dev.midge.acl.AclAuthorizer;
import dev.midge.acl.AclRules;
import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.netty.MqttChannelInitializer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The broker's own cost per message on the publish → route → deliver → acknowledge path, on
 * the real pipeline (size limit, MQTT codec, session handler, engine) of two in-memory channels
 * driven by one thread: CPU time and bytes allocated per message, as the thread itself counts
 * them. No sockets, no TLS, no other thread: unlike a side-by-side rate, the figure barely moves
 * when the machine is busy, so two builds can be compared on a shared machine.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.midge.bench.PipelineCost [qos 0|1] [messages] [per-read] [acl]
 * java -cp broker-core/target/classes:bench/target/benchmarks.jar dev.midge.bench.PipelineCost 1   # this tree's broker-core
 * </pre>
 * A publisher's reads of 4 KiB (as the broker reads) of 64-byte QoS 0/1 PUBLISHes to
 * {@code dev/N/attrs}, one subscriber to {@code dev/#} that acknowledges each run of messages.
 * {@code per-read} (default: as many as fit in 4 KiB, 50) puts fewer in each read: 1 is a device
 * or {@code mosquitto_pub} whose every PUBLISH arrives in a read of its own, where what the
 * broker does once per read (read-complete, flushes, an outbox run, a PUBACK buffer) is paid
 * per message. {@code acl} checks each PUBLISH and delivery against fan-in mTLS's ACL (the device
 * user {@code device} may write {@code dev/%u/attrs}, the backend read {@code #}), and the
 * device then publishes to {@code dev/device/attrs} only.
 */
public final class PipelineCost {

    private static final int READ = 4096;

    private PipelineCost() {
    }

    public static void main(String[] args) throws Exception {
        int qos = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        int perReadLimit = args.length > 2 ? Integer.parseInt(args[2]) : Integer.MAX_VALUE;
        acl = args.length > 3 && args[3].equals("acl");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        ListenerOptions listener = ListenerOptions.plain(1883);
        if (acl) {
            listener = listener.withAuthorizer(AclAuthorizer.of(AclRules.builder()
                    .pattern(Access.WRITE, "dev/%u/attrs").topic("backend", Access.READ, "#").build()));
        }
        PipelineCost.listener = listener;
        MqttEngine engine = new MqttEngine(BrokerOptions.builder().listener(listener)
                .maxInflightMessages(1000).build(), timer);
        EmbeddedChannel sub = connect(engine, "backend");
        read(sub, concat(new byte[]{(byte) 0x82, 10, 0, 1}, string("dev/#"), new byte[]{(byte) qos}));
        drain(sub);
        EmbeddedChannel pub = connect(engine, "device");

        byte[] reads = publishes(qos, perReadLimit);
        int perRead = count;
        int[] nextId = {1};
        run(pub, sub, reads, qos, messages / 4 / perRead, nextId); // warm-up: let the JIT compile it all
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long bytes0 = threads.getCurrentThreadAllocatedBytes();
        int rounds = messages / perRead;
        run(pub, sub, reads, qos, rounds, nextId);
        double n = (double) rounds * perRead;
        System.out.printf("QoS %d, %d messages of 64 B, %d per read%s: %.0f ns CPU and %.0f bytes allocated per message%n",
                qos, (long) n, perRead, acl ? ", ACL" : "", (threads.getCurrentThreadCpuTime() - cpu0) / n,
                (threads.getCurrentThreadAllocatedBytes() - bytes0) / n);
        pub.finishAndReleaseAll();
        sub.finishAndReleaseAll();
        timer.shutdownNow();
    }

    private static void run(EmbeddedChannel pub, EmbeddedChannel sub, byte[] read, int qos, int rounds, int[] nextId) {
        ByteArrayOutputStream acks = new ByteArrayOutputStream();
        for (int r = 0; r < rounds; r++) {
            pub.writeInbound(pub.alloc().buffer(read.length).writeBytes(read));
            pub.runPendingTasks();
            drain(pub);
            sub.runPendingTasks();
            int delivered = drain(sub);
            if (qos == 1 && delivered > 0) {
                acks.reset();
                for (int i = 0; i < delivered; i++) {
                    int id = nextId[0];
                    nextId[0] = id == 65535 ? 1 : id + 1;
                    acks.write(0x40);
                    acks.write(2);
                    acks.write(id >> 8);
                    acks.write(id);
                }
                read(sub, acks.toByteArray());
                sub.runPendingTasks();
                drain(sub);
            }
        }
    }

    private static int count;
    private static boolean acl;
    private static ListenerOptions listener;

    /** One read's worth of whole PUBLISH packets. */
    private static byte[] publishes(int qos, int limit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] payload = new byte[64];
        int id = 1;
        count = 0;
        while (true) {
            byte[] topic = string(acl ? "dev/device/attrs" : "dev/" + (count % 8) + "/attrs");
            byte[] body = concat(topic, qos > 0 ? new byte[]{(byte) (id >> 8), (byte) id} : new byte[0], payload);
            byte[] packet = concat(new byte[]{(byte) (0x30 | qos << 1), (byte) body.length}, body);
            if (out.size() + packet.length > READ || count == limit) {
                return out.toByteArray();
            }
            out.writeBytes(packet);
            count++;
            id++;
        }
    }

    /** Releases what the channel wrote; returns how many PUBLISH packets were in it. */
    private static int drain(EmbeddedChannel ch) {
        int publishes = 0;
        for (Object m; (m = ch.readOutbound()) != null; ) {
            if (m instanceof ByteBuf b) {
                int i = b.readerIndex();
                while (i < b.writerIndex()) {
                    int type = b.getUnsignedByte(i) >> 4;
                    int length = 0;
                    int shift = 0;
                    int k = i + 1;
                    int digit;
                    do {
                        digit = b.getUnsignedByte(k++);
                        length |= (digit & 0x7F) << shift;
                        shift += 7;
                    } while ((digit & 0x80) != 0);
                    if (type == 3) {
                        publishes++;
                    }
                    i = k + length;
                }
            }
            ReferenceCountUtil.release(m);
        }
        return publishes;
    }

    private static EmbeddedChannel connect(MqttEngine engine, String clientId) throws Exception {
        EmbeddedChannel ch = new Peer(new MqttChannelInitializer(listener, engine, Runnable::run,
                new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE)));
        // The client id is the username too (the ACL's %u), as use_identity_as_username makes the CN.
        byte[] body = concat(string("MQTT"), new byte[]{4, (byte) 0x82, 0, 0}, string(clientId), string(clientId));
        read(ch, concat(new byte[]{0x10, (byte) body.length}, body));
        drain(ch);
        return ch;
    }

    private static void read(EmbeddedChannel ch, byte[] bytes) {
        ch.writeInbound(ch.alloc().buffer(bytes.length).writeBytes(bytes));
        ch.runPendingTasks();
    }

    private static byte[] string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[]{(byte) (b.length >> 8), (byte) b.length}, b);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** An in-memory channel that looks like an accepted TCP connection (the handlers log its peer). */
    private static final class Peer extends EmbeddedChannel {
        private static final InetSocketAddress ADDRESS = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1883);

        Peer(io.netty.channel.ChannelHandler initializer) throws Exception {
            super(false, false, initializer);
            config().setAllocator(io.netty.buffer.PooledByteBufAllocator.DEFAULT);
            register();
        }

        @Override
        protected SocketAddress localAddress0() {
            return ADDRESS;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return ADDRESS;
        }
    }
}

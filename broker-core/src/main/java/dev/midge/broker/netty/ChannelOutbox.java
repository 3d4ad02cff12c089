package dev.midge.broker.netty;

import dev.midge.broker.protocol.ClientSession;
import dev.midge.broker.protocol.Ending;
import dev.midge.broker.protocol.ReasonCode;
import dev.midge.broker.session.DeliverySink;
import dev.midge.broker.session.Outbound;
import dev.midge.broker.counters.BrokerCounters;
import io.netty.channel.Channel;
import io.netty.util.internal.PlatformDependent;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The channel side of a {@link ClientSession}: the outbox its session's packets wait in, in
 * the session's order, until one task on the channel's event loop writes and flushes them.
 */
public final class ChannelOutbox implements DeliverySink {

    private final Channel channel;
    private final ClientSession client;
    /**
     * Many publishers' threads add, the event loop alone takes: no node allocated per packet.
     * Chunks of {@value #OUTBOX_CHUNK} slots, not Netty's default 1024 (4 KiB per connection even
     * when idle, #11); a burst links more chunks. The bound is never reached before memory runs out.
     */
    private final Queue<Outbound> outbox = PlatformDependent.newMpscQueue(OUTBOX_CHUNK, 1 << 30);
    private static final int OUTBOX_CHUNK = 32;
    private final AtomicLong outboxBytes = new AtomicLong();
    private final AtomicBoolean outboxScheduled = new AtomicBoolean();
    /** Made once: {@code this::writeOutbox} at each scheduling was a new object per outbox run. */
    private final Runnable writeOutbox = this::writeOutbox;

    private final BrokerCounters counters;
    /**
     * Whether {@link ConnectedPipeline} installs v5 topic aliases and a mount point's strip: known
     * from the CONNECT and the listener before the first run, so no run looks the pipeline through.
     */
    private final boolean aliases;
    private final boolean mounted;

    ChannelOutbox(Channel channel, ClientSession client, BrokerCounters counters, boolean aliases, boolean mounted) {
        this.channel = channel;
        this.client = client;
        this.counters = counters;
        this.aliases = aliases;
        this.mounted = mounted;
    }

    public Channel channel() {
        return channel;
    }

    public ClientSession client() {
        return client;
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
        // A plain read first: while a run is pending, publishers on other loops do not all
        // contend for the flag's cache line with a CAS per message.
        if (!outboxScheduled.get() && outboxScheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(writeOutbox);
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
        boolean v5 = client.isV5();
        OutboundBatch batch = new OutboundBatch(channel, v5, v5 && aliases, mounted);
        Outbound p;
        while ((p = outbox.poll()) != null) {
            written += estimatedSize(p);
            if (!batch.add(p)) {
                batch.write(); // what came before it goes first
                channel.write(OutboundPackets.toMqtt(p, v5, now), channel.voidPromise());
            }
        }
        batch.write();
        if (batch.packets() > 0) {
            counters.sentAsBytes(batch.packets(), batch.publishes(), batch.publishPayloadBytes());
        }
        if (written > 0) {
            outboxBytes.addAndGet(-written);
            channel.flush();
        }
        // QoS 0 may have waited because the outbox was full rather than the socket.
        if (channel.isActive() && channel.isWritable()) {
            client.writable().send();
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

    @Override
    public void takenOver() {
        close(Ending.TAKEN_OVER, null, ReasonCode.SESSION_TAKEN_OVER);
    }

    /** Ends the connection for {@code why} (logged by {@link ClientSession#end}) with the v5 reason code. */
    void close(Ending why, String detail, ReasonCode reasonCode) {
        client.end(why, detail);
        DisconnectPacket.closeWithReason(channel, client.isV5(), reasonCode);
    }
}

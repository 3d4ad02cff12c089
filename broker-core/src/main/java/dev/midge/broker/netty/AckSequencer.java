package dev.midge.broker.netty;

import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.protocol.ClientSession;
import dev.midge.broker.protocol.Ending;
import dev.midge.broker.protocol.ReasonCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;

import java.util.concurrent.CompletableFuture;

/**
 * Writes a connection's PUBACK/PUBREC/SUBACK/UNSUBACK once what their packet changed is on
 * disk, never one before an earlier one (§4.6), and flushes those of a read once at its end.
 * The successful PUBACKs/PUBRECs that may go at once (the common case: persistence off) are
 * written as their four bytes into one buffer per read, not as one Netty message, encoder pass
 * and buffer each: at fan-in rates encoding acknowledgements cost more than routing.
 * One per connection, event loop only.
 */
final class AckSequencer {

    private final MqttEngine engine;
    private final ClientSession client;
    /** With persistence: the last acknowledgement waiting for the disk, or null. */
    private CompletableFuture<Void> pendingAck;
    /** An acknowledgement was written in this read and awaits the flush at its end. */
    private boolean unflushed;
    /** This read's PUBACK/PUBREC bytes, in order, not yet written; null when there are none. */
    private ByteBuf coalesced;
    /** How many acknowledgements {@link #coalesced} holds, for the broker's figures. */
    private int coalescedCount;

    AckSequencer(MqttEngine engine, ClientSession client) {
        this.engine = engine;
        this.client = client;
    }

    /**
     * Writes {@code reply} at once with persistence off or when the packet changed nothing
     * ({@code waitForDisk} false), else once the store has synced; then runs {@code then}, if any.
     */
    void acknowledge(ChannelHandlerContext ctx, MqttMessage reply, Runnable then, boolean waitForDisk) {
        acknowledge(ctx, reply, then, waitForDisk, null);
    }

    /** A SUBACK: after the disk (persistent sessions) and after the cluster's other nodes know the new filters. */
    void acknowledgeSubscribe(ChannelHandlerContext ctx, MqttMessage reply, Runnable then) {
        acknowledge(ctx, reply, then, true, engine.clusterFiltersKnown());
    }

    /** As above, and not before {@code alsoAfter} (if not null) completes. */
    private void acknowledge(ChannelHandlerContext ctx, MqttMessage reply, Runnable then, boolean waitForDisk,
                     CompletableFuture<Void> alsoAfter) {
        writeCoalesced(ctx); // the PUBACKs before this one go first
        CompletableFuture<Void> durable = waitForDisk ? engine.durability() : null;
        if (alsoAfter != null) {
            durable = durable == null ? alsoAfter : CompletableFuture.allOf(durable, alsoAfter);
        }
        boolean onDisk = durable == null || (durable.isDone() && !durable.isCompletedExceptionally());
        if (onDisk && (pendingAck == null || pendingAck.isDone())) {
            pendingAck = null;
            ctx.write(reply); // flushed at the end of the read: one flush for a read's acks, not one each
            unflushed = true;
            if (then != null) {
                then.run();
            }
            return;
        }
        CompletableFuture<Void> after = pendingAck == null ? durable
                : durable == null ? pendingAck : CompletableFuture.allOf(pendingAck, durable);
        pendingAck = after.whenCompleteAsync((ok, failure) -> {
            if (failure == null) {
                // What follows the ack (a SUBACK's retained messages) is queued before the ack is
                // flushed: a client that reacts to the ack by having something published to it
                // must not see that before the retained messages (as when the ack is not delayed).
                ctx.write(reply);
                if (then != null) {
                    then.run();
                }
                ctx.flush();
            } else {
                // Not on disk (or not held by the nodes it went to), so not acknowledged: the client will send it again.
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                client.end(cause instanceof dev.midge.broker.cluster.NotConfirmedException ? Ending.NOT_CONFIRMED
                        : Ending.STORE_FAILURE);
                ctx.close();
            }
        }, ctx.executor());
    }

    /**
     * PUBACK (QoS 1) or PUBREC (QoS 2) for a PUBLISH, as {@link #acknowledge} would write it: a
     * successful one that may go now is appended to this read's buffer (3.1.1 and v5 alike: v5
     * omits reason code Success and empty properties, §3.4.2.1); any other takes the general path.
     */
    void acknowledgePublish(ChannelHandlerContext ctx, MqttMessageType type, int packetId, ReasonCode reason,
                            boolean waitForDisk) {
        if (reason != ReasonCode.SUCCESS || pendingAck != null && !pendingAck.isDone()
                || waitForDisk && engine.acknowledgementsWait()) {
            acknowledge(ctx, MqttPackets.pubReply(type, packetId, reason), null, waitForDisk);
            return;
        }
        pendingAck = null;
        if (coalesced == null) {
            coalesced = ctx.alloc().ioBuffer(256);
        }
        coalesced.writeByte(type.value() << 4).writeByte(2).writeShort(packetId);
        coalescedCount++;
        unflushed = true;
    }

    /** Writes (not flushes) the acknowledgements gathered so far: before any other packet of this connection. */
    void writeCoalesced(ChannelHandlerContext ctx) {
        if (coalesced != null) {
            ByteBuf out = coalesced;
            coalesced = null;
            ctx.write(out, ctx.voidPromise());
            engine.counters().sentAsBytes(coalescedCount, 0, 0);
            coalescedCount = 0;
        }
    }

    /** At the end of a read. */
    void flush(ChannelHandlerContext ctx) {
        writeCoalesced(ctx);
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    /** The connection closed: what was gathered will not be written. */
    void discard() {
        if (coalesced != null) {
            coalesced.release();
            coalesced = null;
            coalescedCount = 0;
        }
    }
}

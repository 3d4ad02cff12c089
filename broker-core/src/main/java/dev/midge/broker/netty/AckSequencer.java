package dev.midge.broker.netty;

import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.protocol.ClientSession;
import dev.midge.broker.protocol.Ending;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttMessage;

import java.util.concurrent.CompletableFuture;

/**
 * Writes a connection's PUBACK/PUBREC/SUBACK/UNSUBACK once what their packet changed is on
 * disk, never one before an earlier one (§4.6), and flushes those of a read once at its end.
 * One per connection, event loop only.
 */
final class AckSequencer {

    private final MqttEngine engine;
    private final ClientSession client;
    /** With persistence: the last acknowledgement waiting for the disk, or null. */
    private CompletableFuture<Void> pendingAck;
    /** An acknowledgement was written in this read and awaits the flush at its end. */
    private boolean unflushed;

    AckSequencer(MqttEngine engine, ClientSession client) {
        this.engine = engine;
        this.client = client;
    }

    /**
     * Writes {@code reply} at once with persistence off or when the packet changed nothing
     * ({@code waitForDisk} false), else once the store has synced; then runs {@code then}, if any.
     */
    void acknowledge(ChannelHandlerContext ctx, MqttMessage reply, Runnable then, boolean waitForDisk) {
        CompletableFuture<Void> durable = waitForDisk ? engine.durability() : null;
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
                // Not on disk, so not acknowledged: the client will send it again.
                client.end(Ending.STORE_FAILURE);
                ctx.close();
            }
        }, ctx.executor());
    }

    /** At the end of a read. */
    void flush(ChannelHandlerContext ctx) {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }
}

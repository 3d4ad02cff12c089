package dev.midge.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import org.bouncycastle.tls.TlsProtocol;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Pumps one connection's bytes through a BouncyCastle {@link TlsProtocol} in non-blocking mode:
 * bytes from the socket are offered to it, what it wants to send is read out and written. During
 * the handshake the protocol runs on the handshake executor (key agreement is CPU work that must
 * not hold up the event loop), one step at a time, so it is never touched by two threads at once;
 * afterwards record encryption is cheap and runs on the event loop. What is written before the
 * handshake ends waits for it. Subclasses start the protocol (server or client side) and say who
 * learns how it ended.
 */
abstract class BcTlsHandler<P extends TlsProtocol> extends ChannelDuplexHandler {

    /** One handshake step: BouncyCastle calls that may do key agreement. */
    interface Step {
        void run() throws IOException;
    }

    private record PendingWrite(Object msg, ChannelPromise promise) {
    }

    final P protocol;
    private final Executor handshakeTasks;
    private final Queue<byte[]> pendingInput = new ArrayDeque<>();
    private final List<PendingWrite> pendingWrites = new ArrayList<>();
    private boolean handshaking = true;
    private boolean stepRunning;
    private boolean failed;

    BcTlsHandler(P protocol, Executor handshakeTasks) {
        this.protocol = protocol;
        this.handshakeTasks = handshakeTasks;
    }

    /** The handshake completed; called before the writes that waited for it go out. */
    abstract void handshakeSucceeded(ChannelHandlerContext ctx);

    /**
     * The connection failed, once: a handshake refused or a broken record afterwards. The alert
     * is sent and waiting writes are failed already; the channel is closed right after.
     */
    abstract void connectionFailed(ChannelHandlerContext ctx, IOException cause, boolean duringHandshake);

    /** The channel went inactive; waiting writes are failed already. */
    void connectionClosed(ChannelHandlerContext ctx) {
    }

    /** Whether the handshake completed and nothing failed since. */
    final boolean established() {
        return !handshaking && !failed;
    }

    /**
     * Ends a handshake the peer walked away from as failed, so a step still running is ignored
     * when it returns. False if the handshake had already ended one way or the other.
     */
    final boolean abandonHandshake() {
        if (!handshaking || failed) {
            return false;
        }
        failed = true;
        return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        byte[] bytes;
        try {
            bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
        } finally {
            buf.release();
        }
        if (failed) {
            return;
        }
        if (handshaking) {
            pendingInput.add(bytes);
            if (!stepRunning) {
                offerPendingInput(ctx);
            }
            return;
        }
        try {
            protocol.offerInput(bytes);
            writeOutput(ctx);
            deliverApplicationData(ctx);
            if (protocol.isClosed()) {
                ctx.close(); // the peer sent close_notify
            }
        } catch (IOException e) {
            fail(ctx, e); // a broken record after the handshake: the peer or the path is bad
        }
    }

    /** Offers what has arrived to the protocol as one handshake step, if anything has. */
    private void offerPendingInput(ChannelHandlerContext ctx) {
        if (pendingInput.isEmpty()) {
            return;
        }
        List<byte[]> input = new ArrayList<>(pendingInput);
        pendingInput.clear();
        runStep(ctx, () -> {
            for (byte[] bytes : input) {
                protocol.offerInput(bytes);
            }
        });
    }

    /** Runs {@code step} on the handshake executor, then continues on the event loop. */
    final void runStep(ChannelHandlerContext ctx, Step step) {
        stepRunning = true;
        // Read nothing more while the step runs: an unauthenticated peer must not be able to
        // pile up bytes here faster than the handshake consumes them.
        ctx.channel().config().setAutoRead(false);
        try {
            handshakeTasks.execute(() -> {
                IOException failure = null;
                try {
                    step.run();
                } catch (IOException e) {
                    failure = e;
                }
                IOException result = failure;
                ctx.executor().execute(() -> afterStep(ctx, result));
            });
        } catch (RejectedExecutionException e) {
            ctx.close();
        }
    }

    private void afterStep(ChannelHandlerContext ctx, IOException failure) {
        stepRunning = false;
        ctx.channel().config().setAutoRead(true);
        if (failed) {
            return; // the connection closed while the step ran; its outcome is already told
        }
        if (failure != null) {
            fail(ctx, failure);
            return;
        }
        writeOutput(ctx);
        if (protocol.isHandshaking()) {
            offerPendingInput(ctx);
            return;
        }
        handshaking = false;
        handshakeSucceeded(ctx);
        for (PendingWrite write : pendingWrites) {
            write(ctx, write.msg(), write.promise());
        }
        pendingWrites.clear();
        ctx.flush();
        try {
            while (!pendingInput.isEmpty()) {
                protocol.offerInput(pendingInput.poll());
            }
            writeOutput(ctx);
            deliverApplicationData(ctx);
        } catch (IOException e) {
            fail(ctx, e);
        }
    }

    private void fail(ChannelHandlerContext ctx, IOException cause) {
        if (failed) {
            return;
        }
        failed = true;
        writeOutput(ctx); // the alert BouncyCastle queued, so the peer learns why
        releasePendingWrites(cause);
        connectionFailed(ctx, cause, handshaking);
        ctx.close();
    }

    private void writeOutput(ChannelHandlerContext ctx) {
        if (protocol.getAvailableOutputBytes() > 0) {
            ctx.writeAndFlush(takeOutput(ctx));
        }
    }

    /** The records the protocol has ready to send (handshake, alerts, application data). */
    private ByteBuf takeOutput(ChannelHandlerContext ctx) {
        int available = protocol.getAvailableOutputBytes();
        byte[] records = new byte[available];
        protocol.readOutput(records, 0, available);
        return ctx.alloc().buffer(available).writeBytes(records);
    }

    private void deliverApplicationData(ChannelHandlerContext ctx) {
        int available = protocol.getAvailableInputBytes();
        if (available > 0) {
            byte[] bytes = new byte[available];
            protocol.readInput(bytes, 0, available);
            ctx.fireChannelRead(ctx.alloc().buffer(available).writeBytes(bytes));
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf buf)) {
            ctx.write(msg, promise);
            return;
        }
        if (failed) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new IOException("the TLS-PSK connection failed"));
            return;
        }
        if (handshaking) {
            pendingWrites.add(new PendingWrite(msg, promise));
            return;
        }
        try {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            protocol.writeApplicationData(bytes, 0, bytes.length);
        } catch (IOException e) {
            promise.tryFailure(e);
            return;
        } finally {
            buf.release();
        }
        ctx.write(takeOutput(ctx), promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        if (!handshaking && !failed && !protocol.isClosed()) {
            try {
                protocol.close(); // close_notify, as a TLS peer expects
                writeOutput(ctx);
            } catch (IOException ignored) {
                // the connection is going away either way
            }
        }
        ctx.close(promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releasePendingWrites(new IOException("connection closed"));
        connectionClosed(ctx);
        ctx.fireChannelInactive();
    }

    private void releasePendingWrites(Throwable cause) {
        for (PendingWrite write : pendingWrites) {
            ReferenceCountUtil.release(write.msg());
            write.promise().tryFailure(cause);
        }
        pendingWrites.clear();
    }
}

package dev.midge.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerProtocol;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * TLS-PSK for one connection, with BouncyCastle's TlsServerProtocol in non-blocking mode: bytes
 * from the socket are offered to it, what it wants to send is read out and written. During the
 * handshake the protocol runs on the handshake executor (key agreement is CPU work that must not
 * hold up the event loop), one step at a time, so it is never touched by two threads at once;
 * afterwards record encryption is cheap and runs on the event loop. MQTT written before the
 * handshake ends waits for it.
 */
final class PskTlsHandler extends ChannelDuplexHandler {

    /** Told once how the handshake ended. */
    interface Outcome {
        void succeeded(PskTlsServer server);

        void failed(PskTlsServer server, Throwable cause);
    }

    private final TlsServerProtocol protocol = new TlsServerProtocol();
    private final PskTlsServer server;
    private final Executor handshakeTasks;
    private final Outcome outcome;
    private final Queue<byte[]> pendingInput = new ArrayDeque<>();
    private final List<Object[]> pendingWrites = new ArrayList<>();
    private boolean handshaking = true;
    private boolean stepRunning;
    private boolean failed;

    PskTlsHandler(PskTlsServer server, Executor handshakeTasks, Outcome outcome) {
        this.server = server;
        this.handshakeTasks = handshakeTasks;
        this.outcome = outcome;
    }

    /** The identity the handshake authenticated, or null before it completed. */
    String identity() {
        return handshaking || failed ? null : server.offeredIdentity();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        protocol.accept(server); // non-blocking mode: only sets up state, sends nothing yet
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
                handshakeStep(ctx);
            }
            return;
        }
        try {
            protocol.offerInput(bytes);
            writeOutput(ctx);
            deliverApplicationData(ctx);
            if (protocol.isClosed()) {
                ctx.close(); // the client sent close_notify
            }
        } catch (IOException e) {
            fail(ctx, e); // a broken record after the handshake: the peer or the path is bad
        }
    }

    /** Offers what has arrived to the protocol on the handshake executor, then continues here. */
    private void handshakeStep(ChannelHandlerContext ctx) {
        List<byte[]> input = new ArrayList<>(pendingInput);
        pendingInput.clear();
        stepRunning = true;
        // Read nothing more while the step runs: an unauthenticated client must not be able to
        // pile up bytes here faster than the handshake consumes them.
        ctx.channel().config().setAutoRead(false);
        try {
            handshakeTasks.execute(() -> {
                IOException failure = null;
                try {
                    for (byte[] bytes : input) {
                        protocol.offerInput(bytes);
                    }
                } catch (IOException e) {
                    failure = e;
                }
                IOException result = failure;
                ctx.executor().execute(() -> afterHandshakeStep(ctx, result));
            });
        } catch (RejectedExecutionException e) {
            ctx.close();
        }
    }

    private void afterHandshakeStep(ChannelHandlerContext ctx, IOException failure) {
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
            if (!pendingInput.isEmpty()) {
                handshakeStep(ctx);
            }
            return;
        }
        handshaking = false;
        outcome.succeeded(server);
        // as Netty's SslHandler does: the core's handshake timer (and anyone else) learns of it the usual way
        ctx.fireUserEventTriggered(io.netty.handler.ssl.SslHandshakeCompletionEvent.SUCCESS);
        for (Object[] write : pendingWrites) {
            write(ctx, write[0], (ChannelPromise) write[1]);
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
        writeOutput(ctx); // the alert BouncyCastle queued, so the client learns why
        if (handshaking) {
            outcome.failed(server, cause);
            ctx.fireUserEventTriggered(new io.netty.handler.ssl.SslHandshakeCompletionEvent(cause));
        }
        releasePendingWrites(cause);
        ctx.close();
    }

    private void writeOutput(ChannelHandlerContext ctx) {
        int available = protocol.getAvailableOutputBytes();
        if (available > 0) {
            ByteBuf out = ctx.alloc().buffer(available);
            byte[] bytes = new byte[available];
            protocol.readOutput(bytes, 0, available);
            out.writeBytes(bytes);
            ctx.writeAndFlush(out);
        }
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
            pendingWrites.add(new Object[]{msg, promise});
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
        int available = protocol.getAvailableOutputBytes();
        byte[] records = new byte[available];
        protocol.readOutput(records, 0, available);
        ctx.write(ctx.alloc().buffer(available).writeBytes(records), promise);
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
        if (handshaking && !failed) {
            failed = true;
            outcome.failed(server, null);
            ctx.fireUserEventTriggered(new io.netty.handler.ssl.SslHandshakeCompletionEvent(
                    new java.nio.channels.ClosedChannelException()));
        }
        ctx.fireChannelInactive();
    }

    private void releasePendingWrites(Throwable cause) {
        for (Object[] write : pendingWrites) {
            ReferenceCountUtil.release(write[0]);
            ((ChannelPromise) write[1]).tryFailure(cause);
        }
        pendingWrites.clear();
    }

    /** The TLS alert a failure carried, or -1. */
    static short alertOf(Throwable cause) {
        return cause instanceof TlsFatalAlert alert ? alert.getAlertDescription() : -1;
    }
}

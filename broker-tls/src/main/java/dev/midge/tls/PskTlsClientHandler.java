package dev.midge.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import org.bouncycastle.tls.TlsClient;
import org.bouncycastle.tls.TlsClientProtocol;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The client side of TLS-PSK for a bridge, with BouncyCastle's TlsClientProtocol in non-blocking
 * mode (the JDK has no PSK). As {@link PskTlsHandler} on the server side: handshake steps (key
 * agreement) run on the handshake executor, one at a time, never on the event loop; records
 * afterwards on the event loop; what is written before the handshake ends waits for it.
 */
final class PskTlsClientHandler extends ChannelDuplexHandler {

    private final TlsClientProtocol protocol = new TlsClientProtocol();
    private final TlsClient client;
    private final Executor handshakeTasks;
    private final List<byte[]> pendingInput = new ArrayList<>();
    private final List<Object[]> pendingWrites = new ArrayList<>();
    private boolean handshaking = true;
    private boolean stepRunning;
    private boolean failed;

    PskTlsClientHandler(TlsClient client, Executor handshakeTasks) {
        this.client = client;
        this.handshakeTasks = handshakeTasks;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        step(ctx, () -> protocol.connect(client)); // the ClientHello
        ctx.fireChannelActive();
    }

    private interface Step {
        void run() throws IOException;
    }

    private void step(ChannelHandlerContext ctx, Step step) {
        stepRunning = true;
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
            return;
        }
        if (failure != null) {
            fail(ctx, failure);
            return;
        }
        writeOutput(ctx);
        if (protocol.isHandshaking()) {
            offerPending(ctx);
            return;
        }
        handshaking = false;
        for (Object[] write : pendingWrites) {
            write(ctx, write[0], (ChannelPromise) write[1]);
        }
        pendingWrites.clear();
        ctx.flush();
        try {
            for (byte[] bytes : pendingInput) {
                protocol.offerInput(bytes);
            }
            pendingInput.clear();
            writeOutput(ctx);
            deliverApplicationData(ctx);
        } catch (IOException e) {
            fail(ctx, e);
        }
    }

    private void offerPending(ChannelHandlerContext ctx) {
        if (!pendingInput.isEmpty()) {
            List<byte[]> input = new ArrayList<>(pendingInput);
            pendingInput.clear();
            step(ctx, () -> {
                for (byte[] bytes : input) {
                    protocol.offerInput(bytes);
                }
            });
        }
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
                offerPending(ctx);
            }
            return;
        }
        try {
            protocol.offerInput(bytes);
            writeOutput(ctx);
            deliverApplicationData(ctx);
            if (protocol.isClosed()) {
                ctx.close();
            }
        } catch (IOException e) {
            fail(ctx, e);
        }
    }

    private void fail(ChannelHandlerContext ctx, IOException cause) {
        if (failed) {
            return;
        }
        failed = true;
        writeOutput(ctx);
        releasePendingWrites(cause);
        ctx.fireExceptionCaught(new IOException("TLS-PSK handshake failed: " + cause.getMessage(), cause));
        ctx.close();
    }

    private void writeOutput(ChannelHandlerContext ctx) {
        int available = protocol.getAvailableOutputBytes();
        if (available > 0) {
            byte[] bytes = new byte[available];
            protocol.readOutput(bytes, 0, available);
            ctx.writeAndFlush(ctx.alloc().buffer(available).writeBytes(bytes));
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
            pendingWrites.add(new Object[] {msg, promise});
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
                protocol.close();
                writeOutput(ctx);
            } catch (IOException ignored) {
                // closing either way
            }
        }
        ctx.close(promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releasePendingWrites(new IOException("connection closed"));
        ctx.fireChannelInactive();
    }

    private void releasePendingWrites(Throwable cause) {
        for (Object[] write : pendingWrites) {
            ReferenceCountUtil.release(write[0]);
            ((ChannelPromise) write[1]).tryFailure(cause);
        }
        pendingWrites.clear();
    }
}

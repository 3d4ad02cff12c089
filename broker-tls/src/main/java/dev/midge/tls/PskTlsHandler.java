package dev.midge.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerProtocol;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;

/**
 * The server side of TLS-PSK for one connection, with BouncyCastle's TlsServerProtocol (see
 * {@link BcTlsHandler} for how bytes and handshake steps move). It tells its {@link Outcome} and
 * the pipeline how the handshake ended, as Netty's SslHandler does.
 */
final class PskTlsHandler extends BcTlsHandler<TlsServerProtocol> {

    /** Told once how the handshake ended. */
    interface Outcome {
        void succeeded(PskTlsServer server);

        void failed(PskTlsServer server, Throwable cause);
    }

    private final PskTlsServer server;
    private final Outcome outcome;

    PskTlsHandler(PskTlsServer server, Executor handshakeTasks, Outcome outcome) {
        super(new TlsServerProtocol(), handshakeTasks);
        this.server = server;
        this.outcome = outcome;
    }

    /** The identity the handshake authenticated, or null before it completed. */
    String identity() {
        return established() ? server.offeredIdentity() : null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        protocol.accept(server); // non-blocking mode: only sets up state, sends nothing yet
    }

    @Override
    void handshakeSucceeded(ChannelHandlerContext ctx) {
        outcome.succeeded(server);
        // as Netty's SslHandler does: the core's handshake timer (and anyone else) learns of it the usual way
        ctx.fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    }

    @Override
    void connectionFailed(ChannelHandlerContext ctx, IOException cause, boolean duringHandshake) {
        if (duringHandshake) {
            outcome.failed(server, cause);
            ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(cause));
        }
    }

    @Override
    void connectionClosed(ChannelHandlerContext ctx) {
        if (abandonHandshake()) {
            outcome.failed(server, null);
            ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(new ClosedChannelException()));
        }
    }

    /** The TLS alert a failure carried, or -1. */
    static short alertOf(Throwable cause) {
        return cause instanceof TlsFatalAlert alert ? alert.getAlertDescription() : -1;
    }
}

package dev.midge.tls;

import io.netty.channel.ChannelHandlerContext;
import org.bouncycastle.tls.TlsClient;
import org.bouncycastle.tls.TlsClientProtocol;

import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * The client side of TLS-PSK for a bridge, with BouncyCastle's TlsClientProtocol (the JDK has no
 * PSK); see {@link BcTlsHandler} for how bytes and handshake steps move. The ClientHello is the
 * first step, sent when the connection is up; a failure reaches the bridge as an exception.
 */
final class PskTlsClientHandler extends BcTlsHandler<TlsClientProtocol> {

    private final TlsClient client;

    PskTlsClientHandler(TlsClient client, Executor handshakeTasks) {
        super(new TlsClientProtocol(), handshakeTasks);
        this.client = client;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        runStep(ctx, () -> protocol.connect(client)); // the ClientHello
        ctx.fireChannelActive();
    }

    @Override
    void handshakeSucceeded(ChannelHandlerContext ctx) {
        // the bridge learns from the CONNACK that follows
    }

    @Override
    void connectionFailed(ChannelHandlerContext ctx, IOException cause, boolean duringHandshake) {
        ctx.fireExceptionCaught(new IOException("TLS-PSK handshake failed: " + cause.getMessage(), cause));
    }
}

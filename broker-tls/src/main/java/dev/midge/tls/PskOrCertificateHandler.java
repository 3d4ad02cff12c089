package dev.midge.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.function.Predicate;

/**
 * The "tls" stage of a listener with both certfile and psk_hint, as mosquitto's OpenSSL offers
 * PSK suites next to certificate ones: it holds back the client's first bytes until the
 * ClientHello is complete (at most {@link ClientHelloOffer#MAX_BYTES}), then replaces itself with
 * BouncyCastle's TLS-PSK handler if the client offers PSK, or JSSE's SslHandler if not.
 * {@link ByteToMessageDecoder} passes the bytes it held on to the handler chosen when it leaves.
 */
final class PskOrCertificateHandler extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(PskOrCertificateHandler.class);

    /** Builds the handler for a PSK client or a certificate client; called on the event loop. */
    interface Handlers {
        ChannelHandler psk();

        ChannelHandler certificate();
    }

    private final Handlers handlers;
    private final Predicate<byte[]> knownIdentity;

    /**
     * @param knownIdentity whether a TLS 1.3 pre_shared_key identity is in the psk_file: one that
     *                      is not (a resumption ticket, an unknown name) goes to JSSE, which
     *                      ignores it and falls back to certificates, as OpenSSL does
     */
    PskOrCertificateHandler(Handlers handlers, Predicate<byte[]> knownIdentity) {
        this.handlers = handlers;
        this.knownIdentity = knownIdentity;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ClientHelloOffer offer;
        try {
            offer = ClientHelloOffer.read(in);
        } catch (ClientHelloOffer.NotAClientHello e) {
            SocketAddress remote = ctx.channel().remoteAddress();
            LOG.warn("TLS handshake from {} refused: {} (this listener serves TLS with certificates and TLS-PSK).",
                    remote instanceof InetSocketAddress peer ? peer.getHostString() + ":" + peer.getPort() : remote,
                    e.getMessage());
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        if (offer == null) {
            return;
        }
        boolean psk = offer.offersPskSuite() || offer.pskIdentities().stream().anyMatch(knownIdentity);
        ChannelPipeline pipeline = ctx.pipeline();
        ChannelHandler chosen = psk ? handlers.psk() : handlers.certificate();
        // TlsListenerSecurity puts a ClientHelloWatch at the end of the pipeline it expects to be
        // building; here the ClientHello has already come, so the watch only needs to know that.
        ClientHelloWatch watch = pipeline.get(ClientHelloWatch.class);
        if (watch != null) {
            pipeline.remove(watch);
            watch.markReceived();
        }
        pipeline.replace(this, ctx.name(), chosen);
    }
}

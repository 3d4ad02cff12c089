package dev.midge.broker.netty;

import dev.midge.broker.logging.LogSafe;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a WebSocket upgrade request Netty's HTTP decoder could not read whole: one whose headers
 * are over websockets_headers_size, or a malformed one. The decoder stops there but still hands on
 * the request with the headers it read so far, and the WebSocket handshaker does not look at the
 * failure, so without this an over-long upgrade was accepted on its first headers.
 */
final class UpgradeRequestCheck extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeRequestCheck.class);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            ReferenceCountUtil.release(msg);
            boolean tooLong = cause instanceof TooLongFrameException;
            LOG.warn("WebSocket upgrade from {} refused: {}.", Describe.address(ctx.channel()),
                    tooLong ? "its request line or headers are over the limit (websockets_headers_size)"
                            : "malformed HTTP request (" + LogSafe.text(String.valueOf(cause.getMessage())) + ")");
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    tooLong ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            response.headers().set(HttpHeaderNames.CONNECTION, "close");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}

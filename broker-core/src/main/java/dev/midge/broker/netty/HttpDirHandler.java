package dev.midge.broker.netty;

import dev.midge.broker.logging.LogSafe;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * mosquitto's {@code http_dir} on a WebSocket listener: a plain HTTP GET (or HEAD) is answered with the file
 * under the directory, the WebSocket upgrade goes on unchanged. Only files inside the directory are served:
 * a path with {@code ..} (also percent-encoded), or one whose real path (symbolic links followed) leaves the
 * directory, is refused 403; a missing file is 404, a directory is its index.html. The file is looked up and
 * opened on {@code files} (never on the event loop) and sent in chunks as the socket takes them; the
 * connection is closed after each answer, so what it costs stays within the pre-CONNECT budget.
 */
final class HttpDirHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpDirHandler.class);

    private final Path root;
    private final Executor files;

    /** @param root the directory, as its real path (resolved once at start) */
    HttpDirHandler(Path root, Executor files) {
        this.root = root;
        this.files = files;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || isUpgrade(request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        HttpMethod method = request.method();
        String uri = request.uri();
        ReferenceCountUtil.release(request);
        ctx.channel().config().setAutoRead(false); // one request per connection
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            HttpResponse refusal = status(HttpResponseStatus.METHOD_NOT_ALLOWED);
            refusal.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        boolean head = method.equals(HttpMethod.HEAD);
        try {
            files.execute(() -> lookUp(ctx, uri, head));
        } catch (RejectedExecutionException closing) {
            ctx.close();
        }
    }

    private static boolean isUpgrade(FullHttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /** Off the event loop: where the request points, and the file opened if it may be served. */
    private void lookUp(ChannelHandlerContext ctx, String uri, boolean head) {
        StaticFile file;
        try {
            file = StaticFile.resolve(root, uri);
        } catch (IOException e) {
            file = StaticFile.failed(HttpResponseStatus.NOT_FOUND, null);
        }
        if (file.status() == HttpResponseStatus.FORBIDDEN) {
            LOG.warn("HTTP request from {} for '{}' refused: {}.", Describe.address(ctx.channel()),
                    LogSafe.text(uri), file.why());
        }
        FileChannel channel = null;
        long length = 0;
        if (file.status() == HttpResponseStatus.OK && !head) {
            try {
                channel = FileChannel.open(file.path(), StandardOpenOption.READ);
                length = channel.size();
            } catch (IOException e) {
                file = StaticFile.failed(HttpResponseStatus.NOT_FOUND, null);
            }
        } else if (file.status() == HttpResponseStatus.OK) {
            try {
                length = Files.size(file.path());
            } catch (IOException e) {
                file = StaticFile.failed(HttpResponseStatus.NOT_FOUND, null);
            }
        }
        StaticFile answer = file;
        FileChannel body = channel;
        long size = length;
        ctx.executor().execute(() -> answer(ctx, answer, body, size));
    }

    private void answer(ChannelHandlerContext ctx, StaticFile file, FileChannel body, long length) {
        if (file.status() != HttpResponseStatus.OK) {
            ctx.writeAndFlush(status(file.status())).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, ContentTypes.of(file.path()));
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (body == null) { // HEAD
            ctx.write(response);
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (ctx.pipeline().get(ChunkedWriteHandler.class) == null) {
            ctx.pipeline().addBefore(ctx.name(), "httpDirChunks", new ChunkedWriteHandler());
        }
        ctx.write(response);
        ChannelFuture sent;
        try {
            sent = ctx.writeAndFlush(new HttpChunkedInput(new ChunkedNioFile(body)));
        } catch (IOException e) {
            closeQuietly(body);
            ctx.close();
            return;
        }
        sent.addListener(ChannelFutureListener.CLOSE);
    }

    private static HttpResponse status(HttpResponseStatus status) {
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was sent from it
        }
    }
}

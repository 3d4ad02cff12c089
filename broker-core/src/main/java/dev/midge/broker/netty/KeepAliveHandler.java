package dev.midge.broker.netty;

import dev.midge.broker.protocol.Ending;
import dev.midge.broker.protocol.ReasonCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after one and a half keep-alive periods without a packet from the
 * client (MQTT §3.1.2.10). Its will is then sent, as after any network failure.
 */
final class KeepAliveHandler extends IdleStateHandler {

    private final ChannelOutbox connection;

    KeepAliveHandler(int keepAliveSeconds, ChannelOutbox connection) {
        super(keepAliveSeconds * 1500L, 0, 0, TimeUnit.MILLISECONDS);
        this.connection = connection;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        if (evt.state() == io.netty.handler.timeout.IdleState.READER_IDLE && ctx.channel().isActive()) {
            connection.close(Ending.KEEP_ALIVE_TIMEOUT, null, ReasonCode.KEEP_ALIVE_TIMEOUT);
        }
    }
}

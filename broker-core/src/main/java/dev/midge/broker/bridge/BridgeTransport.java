package dev.midge.broker.bridge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

/**
 * The security of a bridge's connection to its remote broker: the first handler of the client
 * pipeline, e.g. an {@code SslHandler} presenting the bridge's certificate and checking the
 * remote's. Material is loaded when the transport is made, so this only builds a handler.
 */
public interface BridgeTransport {

    /** A handler that passes the plaintext on, for a connection to {@code host:port}. */
    ChannelHandler newHandler(Channel channel, String host, int port);

    /** "TLS" or "TLS-PSK", for log lines. */
    String describe();
}

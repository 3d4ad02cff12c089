package dev.midge.broker.netty;

import dev.midge.broker.logging.LogSafe;
import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** How log lines name a peer, consistently. */
final class Describe {

    private Describe() {
    }

    static String address(Channel channel) {
        return address(channel.remoteAddress());
    }

    static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress inet) {
            return inet.getAddress() == null ? inet.getHostString() + ":" + inet.getPort()
                    : inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(a);
    }

    static String client(String clientId, Channel channel) {
        return clientId == null ? address(channel) : LogSafe.text(clientId) + " from " + address(channel);
    }

    static int localPort(Channel channel) {
        return channel.localAddress() instanceof InetSocketAddress inet ? inet.getPort() : 0;
    }
}

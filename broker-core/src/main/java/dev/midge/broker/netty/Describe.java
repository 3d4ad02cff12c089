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
        if (!(channel.remoteAddress() instanceof InetSocketAddress) && channel.localAddress() != null
                && !(channel.localAddress() instanceof InetSocketAddress)) {
            // A unix socket peer has no address of its own; name the socket, as mosquitto does.
            return "unix:" + socketPath(channel.localAddress());
        }
        return address(channel.remoteAddress());
    }

    /** The peer's IP address and port, or null on a unix socket listener. */
    static InetSocketAddress inetPeer(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress inet ? inet : null;
    }

    private static String socketPath(SocketAddress a) {
        if (a instanceof java.net.UnixDomainSocketAddress unix) {
            return unix.getPath().toString();
        }
        if (a instanceof io.netty.channel.unix.DomainSocketAddress domain) {
            return domain.path();
        }
        return String.valueOf(a);
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

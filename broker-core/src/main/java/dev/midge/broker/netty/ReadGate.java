package dev.midge.broker.netty;

import io.netty.channel.Channel;

/**
 * Whether a connection's socket is read, when more than one reason may stop it (the store's
 * writer is behind, a subscriber is behind, another cluster node is behind): it is read again
 * only once every reason is gone. Event loop only.
 */
final class ReadGate {

    static final int STORE_BACKLOG = 1;
    static final int SUBSCRIBER_BEHIND = 2;
    static final int CLUSTER_BACKLOG = 4;

    private final Channel channel;
    private int closedBy;

    ReadGate(Channel channel) {
        this.channel = channel;
    }

    void close(int reason) {
        if (closedBy == 0) {
            channel.config().setAutoRead(false);
        }
        closedBy |= reason;
    }

    void open(int reason) {
        if (closedBy == 0) {
            return;
        }
        closedBy &= ~reason;
        if (closedBy == 0) {
            channel.config().setAutoRead(true);
        }
    }

    boolean isClosedBy(int reason) {
        return (closedBy & reason) != 0;
    }
}

package dev.midge.cli;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A syslog daemon's socket, as {@code /dev/log} is: a unix datagram socket bound at a path, each datagram one
 * line. Collects what arrives so a test can wait for a line.
 */
final class SyslogReceiver implements AutoCloseable {

    private final Path path;
    private final EventLoopGroup group = new EpollEventLoopGroup(1);
    private final List<String> lines = new ArrayList<>();
    private final Channel channel;

    private SyslogReceiver(Path path) {
        this.path = path;
        this.channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        synchronized (lines) {
                            lines.add(packet.content().toString(StandardCharsets.UTF_8));
                            lines.notifyAll();
                        }
                    }
                }).bind(new DomainSocketAddress(path.toString())).syncUninterruptibly().channel();
    }

    static SyslogReceiver bind(Path path) {
        return new SyslogReceiver(path);
    }

    Path path() {
        return path;
    }

    List<String> received() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits for a datagram that is a whole match of {@code format} and contains {@code regex}. */
    Matcher await(Pattern format, String regex, Duration timeout) throws InterruptedException {
        Pattern wanted = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            for (int seen = 0; ; ) {
                for (; seen < lines.size(); seen++) {
                    if (wanted.matcher(lines.get(seen)).find()) {
                        Matcher m = format.matcher(lines.get(seen));
                        if (!m.matches()) {
                            throw new AssertionError("not an RFC 3164 line: " + lines.get(seen));
                        }
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no syslog line matching /" + regex + "/ within " + timeout + "; got " + lines);
                }
                lines.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}

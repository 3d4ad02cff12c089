package dev.midge.cli.run;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code log_dest syslog} as mosquitto's syslog(3) does it: one datagram per line to the local syslog socket
 * ({@code /dev/log}, a unix datagram socket, which the JDK cannot send to; Netty's native epoll transport
 * can), in syslog(3)'s format {@code <PRI>Mmm dd hh:mm:ss midge[PID]: LINE} (RFC 3164), PRI being the
 * {@code log_facility} (daemon by default, local0-7) and mosquitto's severity for the line's log type. The
 * sending happens on its own thread: a logging thread never waits, and when the socket is not taking lines
 * (syslog stuck, no socket) they are dropped and counted, with one warning on the other destinations.
 */
final class SyslogSocketAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    static final String NAME = "syslog";
    /** Where syslog(3) sends; MIDGE_SYSLOG_SOCKET names another (a test's receiver, a chroot's socket). */
    static final String DEFAULT_SOCKET = "/dev/log";
    /** syslog(3)'s own limit is larger, but journald and rsyslog cut lines at about 8 KiB by default. */
    private static final int MAX_LINE = 8000;
    private static final DateTimeFormatter RFC3164 = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

    private final PatternLayout layout = new PatternLayout();
    private final int facility;
    private final DomainSocketAddress socket;
    private final String tag = "midge[" + ProcessHandle.current().pid() + "]: ";
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean failureReported = new AtomicBoolean();
    private EventLoopGroup group;
    private Channel channel;

    SyslogSocketAppender(String timestampPrefix, int facility, String socketPath) {
        this.facility = facility;
        this.socket = new DomainSocketAddress(socketPath);
        layout.setPattern(timestampPrefix + "%msg%nopex");
    }

    /** Whether this platform can send to a unix datagram socket (Linux with Netty's epoll transport). */
    static boolean available() {
        return Epoll.isAvailable();
    }

    @Override
    public void start() {
        layout.setContext(getContext());
        layout.start();
        group = new EpollEventLoopGroup(1, new DefaultThreadFactory("midge-syslog", true));
        // Unbound and unconnected, each line is a sendto(2) to the path: a restarted syslog daemon's new
        // socket is found, as syslog(3) reconnects.
        channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
                .handler(new ChannelInboundHandlerAdapter()).register().syncUninterruptibly().channel();
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Lines not sent because syslog's socket was not taking them. */
    long dropped() {
        return dropped.get();
    }

    @Override
    protected void append(ILoggingEvent event) {
        int severity = severity(event);
        if (severity < 0) {
            return;
        }
        if (!channel.isWritable()) {
            dropped.incrementAndGet();
            return;
        }
        String line = layout.doLayout(event);
        if (line.length() > MAX_LINE) {
            line = line.substring(0, MAX_LINE);
        }
        String datagram = "<" + (facility * 8 + severity) + ">" + RFC3164.format(LocalDateTime.now()) + " " + tag + line;
        channel.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(datagram.getBytes(StandardCharsets.UTF_8)),
                socket)).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        notSent(f.cause());
                    }
                });
    }

    /**
     * Reported once, on the other destinations (this one is what fails) and logback's status; later failures
     * are only counted.
     */
    private void notSent(Throwable cause) {
        dropped.incrementAndGet();
        if (failureReported.compareAndSet(false, true)) {
            String warning = "Warning: log_dest syslog: cannot send to " + socket.path() + " (" + cause
                    + "); syslog lines are dropped while it does not take them.";
            addWarn(warning);
            org.slf4j.LoggerFactory.getLogger(SyslogSocketAppender.class).warn(warning);
        }
    }

    /**
     * mosquitto's syslog priority for the line's log type (syslog.h): LOG_ERR 3, LOG_WARNING 4, LOG_NOTICE 5
     * (notices, subscribe and unsubscribe lines), LOG_INFO 6, LOG_DEBUG 7 (debug and websockets lines).
     */
    static int severity(ILoggingEvent event) {
        String logger = event.getLoggerName();
        if (LogTypeFilter.isCategory(logger)) {
            return logger.startsWith(LogSetup.WEBSOCKETS_LOGGER) ? 7 : 5;
        }
        Level level = event.getLevel();
        if (level == Level.ERROR) {
            return 3;
        }
        if (level == Level.WARN) {
            return 4;
        }
        if (level == Level.INFO) {
            return LogTopicAppender.isNotice(event) ? 5 : 6;
        }
        return 7;
    }
}

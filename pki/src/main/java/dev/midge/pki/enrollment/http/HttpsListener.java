package dev.midge.pki.enrollment.http;

import dev.midge.pki.LogEscape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTPS/1.1 server for the enrollment endpoints: one request per connection, each
 * connection on its own thread, with three bounds so that slow or many clients cost only
 * themselves: a deadline per connection (TLS handshake, request, answer) after which its socket
 * is closed, a limit on open connections per client address, and one on all of them.
 *
 * <p>Why not the JDK's HttpsServer: its request and idle timeouts are JVM-wide system
 * properties (sun.net.httpserver.maxReqTime ...) read once, which an embedded broker must not
 * set for its host application, and it reads a request's head on its worker threads with no
 * limit, so two clients sending half a header held both workers. Why not Netty: this module
 * must not depend on it, and a thread per (bounded, short-lived) connection is simple to read.
 * The accept loop only accepts and counts: the TLS handshake happens on the connection's thread.
 */
public final class HttpsListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpsListener.class);

    /**
     * @param requestTimeout       how long a connection may take from accept to the end of the answer
     * @param maxConnections       open connections in all
     * @param maxConnectionsPerAddress open connections from one client address
     */
    public record Limits(Duration requestTimeout, int maxConnections, int maxConnectionsPerAddress) {

        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), 64, 8);
    }

    private final ServerSocket serverSocket;
    private final SSLContext tls;
    private final Limits limits;
    private final HttpHandler handler;
    private final ConnectionLimits open;
    private final ThreadPoolExecutor connections;
    private final ScheduledExecutorService deadlines;
    private final Thread acceptLoop;
    /** So that close() ends connections still being served, not only the accept loop. */
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();
    /** Starts each log line: "midge-enrollment", "midge-ocsp". */
    private final String name;

    private HttpsListener(ServerSocket serverSocket, SSLContext tls, Limits limits, HttpHandler handler, String name) {
        this.serverSocket = serverSocket;
        this.tls = tls;
        this.limits = limits;
        this.handler = handler;
        this.name = name;
        this.open = new ConnectionLimits(limits.maxConnections(), limits.maxConnectionsPerAddress());
        AtomicInteger threads = new AtomicInteger();
        // As many threads as connections may be open, so a queued connection never waits for a
        // thread held by another client; idle threads end.
        this.connections = new ThreadPoolExecutor(limits.maxConnections(), limits.maxConnections(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, name + "-" + threads.incrementAndGet()));
        this.connections.allowCoreThreadTimeOut(true);
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-deadlines"));
        this.acceptLoop = daemon(this::acceptLoop, name + "-accept");
    }

    /**
     * @param tls null for plain HTTP: only for content that is signed itself (OCSP responses,
     *            RFC 6960 A.1), which clients fetch over HTTP without trusting a TLS server
     */
    public static HttpsListener start(InetSocketAddress bind, SSLContext tls, Limits limits, HttpHandler handler,
                                      String threadName) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(bind, 50);
        HttpsListener listener = new HttpsListener(socket, tls, limits, handler, threadName);
        listener.acceptLoop.start();
        return listener;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!serverSocket.isClosed()) {
                    LOG.warn("{}: accept failed: {}", name, e.getMessage());
                }
                continue;
            }
            InetSocketAddress peer = (InetSocketAddress) socket.getRemoteSocketAddress();
            String refused = open.tryOpen(peer.getAddress());
            if (refused != null) {
                LOG.debug("{}: closed a connection from {} at once: {}", name, peer, refused);
                closeQuietly(socket);
                continue;
            }
            live.add(socket);
            ScheduledFuture<?> deadline = deadlines.schedule(() -> closeQuietly(socket),
                    limits.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            Runnable done = () -> {
                deadline.cancel(false);
                closeQuietly(socket);
                live.remove(socket);
                open.close(peer.getAddress());
            };
            try {
                connections.execute(() -> {
                    try {
                        serve(socket, peer);
                    } finally {
                        done.run();
                    }
                });
            } catch (RejectedExecutionException closing) {
                done.run();
            }
        }
    }

    private void serve(Socket plain, InetSocketAddress peer) {
        try {
            // The deadline closes the plain socket: closing an SSLSocket from another thread
            // would try to send close_notify and can wait on the reader's lock.
            plain.setSoTimeout((int) limits.requestTimeout().toMillis());
            Socket socket = plain;
            if (tls != null) {
                SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
                secure.setUseClientMode(false);
                socket = secure;
            }
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            HttpResponse response;
            try {
                HttpRequest request = RequestReader.read(in, out, peer);
                response = handler.handle(request);
            } catch (RequestReader.BadRequest e) {
                response = HttpResponse.text(e.status, e.getMessage());
            }
            write(out, response);
        } catch (SocketException e) {
            LOG.debug("{}: connection from {} closed: {}", name, peer, LogEscape.of(e.getMessage()));
        } catch (IOException e) {
            LOG.debug("{}: connection from {} failed: {}", name, peer, LogEscape.of(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("{}: request from {} failed", name, peer, e);
        }
    }

    private static void write(OutputStream out, HttpResponse response) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(response.status()).append(' ')
                .append(reason(response.status())).append("\r\n");
        for (Map.Entry<String, String> h : response.headers().entrySet()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        head.append("Content-Length: ").append(response.body().length).append("\r\n");
        head.append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(response.body());
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 415 -> "Unsupported Media Type";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            default -> "Status";
        };
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    @Override
    public void close() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // the accept loop ends either way
        }
        live.forEach(HttpsListener::closeQuietly);
        connections.shutdownNow();
        deadlines.shutdownNow();
    }
}

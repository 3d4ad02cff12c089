package dev.midge.pki.enrollment;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.midge.pki.DataDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Certificate enrollment over HTTPS, off unless the broker is configured to start it: EST
 * (RFC 7030: {@code /.well-known/est/cacerts}, {@code /.well-known/est/simpleenroll}) and an
 * EJBCA-style {@code POST /sign/CNAME/pkcs10}, both redeeming one-time enrollment secrets.
 * Requests run on the server's own small executor (key signing is slow-ish and must never
 * land on a broker event loop).
 */
public final class EnrollmentServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentServer.class);

    private final HttpsServer server;
    private final ExecutorService executor;

    private EnrollmentServer(HttpsServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param port              TCP port, 0 for a free one (see {@link #port()})
     * @param data              the data directory whose CA issues and whose secrets are redeemed
     * @param serverCertificate PEM chain the HTTPS server presents (the broker's server.crt)
     * @param serverKey         its PKCS#8 PEM key
     */
    public static EnrollmentServer start(int port, DataDirectory data, Path serverCertificate, Path serverKey)
            throws IOException, GeneralSecurityException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(port), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(ServerTls.context(serverCertificate, serverKey)));
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "midge-enrollment-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(EstHandler.PATH, new EstHandler(data));
        server.createContext(EjbcaSignHandler.PATH, new EjbcaSignHandler(data));
        server.start();
        LOG.info("Enrollment (EST and /sign/<cname>/pkcs10) listening on port {}", server.getAddress().getPort());
        return new EnrollmentServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

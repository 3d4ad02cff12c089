package dev.midge.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;

/**
 * Builds a listener's JSSE context so that it resumes TLS sessions from its session cache
 * instead of stateless tickets. A stateless ticket carries the whole session, certificates
 * included, to the client and back: every resumption decodes the client's chain and the server's
 * own certificates anew (about 10 KiB of heap for each connection that stays open), and every full
 * handshake serialises and encrypts the session into a ticket. From the cache, a resumed
 * connection shares the session, and its decoded chain, of the handshake that made it.
 *
 * <p>JSSE has no per-context switch: each new context's server session cache reads
 * {@value #PROPERTY} when it is made. The property is set for the moment Midge's context is
 * built and then restored, so other TLS contexts in the JVM (an embedding application's, Netty's
 * OpenSSL engine, which would stop issuing TLS 1.3 tickets at all) keep their defaults. A value
 * set on the command line wins.
 */
final class ServerSessionCache {

    static final String PROPERTY = "jdk.tls.server.enableSessionTicketExtension";

    private ServerSessionCache() {
    }

    /** {@code builder.build()} for the JDK's provider, with stateless tickets off unless the JVM says otherwise. */
    static SslContext build(SslContextBuilder builder) throws SSLException {
        synchronized (ServerSessionCache.class) {
            if (System.getProperty(PROPERTY) != null) {
                return builder.build();
            }
            System.setProperty(PROPERTY, "false");
            try {
                return builder.build();
            } finally {
                System.clearProperty(PROPERTY);
            }
        }
    }
}

package dev.midge.tls;

import dev.midge.broker.reload.FileWatcher;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The TLS listeners a test starts (the security under test and a {@link TlsTestServer} that
 * greets with the username), closed after each test, newest first.
 */
final class TlsListeners implements AfterEachCallback {

    /** One started listener. */
    record Started(TlsListenerSecurity security, TlsTestServer server) {
        int port() {
            return server.port();
        }
    }

    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    Started start(Options options) throws Exception {
        return start(options, null, false);
    }

    /**
     * @param watcher         re-reads the listener's files live, or null
     * @param holdConnections keep each connection open after the greeting
     */
    Started start(Options options, FileWatcher watcher, boolean holdConnections) throws Exception {
        TlsListenerSecurity security = TlsListenerSecurity.create(options.build(), watcher);
        open.push(security);
        TlsTestServer server = new TlsTestServer(security, holdConnections);
        open.push(server);
        return new Started(security, server);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }
}

package dev.midge.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import java.security.GeneralSecurityException;

/**
 * The JDK's TLS suites (supported, and enabled by default), for the {@code ciphers} selection. Asked of
 * a context of our own with no trust anchors, not of {@link SSLContext#getDefault()}: the default
 * context loads the JDK's {@code cacerts} and keeps its some 140 parsed certificates for as long as
 * the JVM runs (about 0.5 MiB of an idle broker's heap), while Midge trusts only cafile/capath.
 * Both are the JDK's "TLS" context, so the suites are the same.
 */
final class JdkTlsSuites {

    private static final SSLContext CONTEXT = create();

    private JdkTlsSuites() {
    }

    static SSLParameters supported() {
        return CONTEXT.getSupportedSSLParameters();
    }

    static SSLParameters defaults() {
        return CONTEXT.getDefaultSSLParameters();
    }

    private static SSLContext create() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            // An empty array, not null: null would load the default trust store after all.
            context.init(null, new TrustManager[0], null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS context", e);
        }
    }
}

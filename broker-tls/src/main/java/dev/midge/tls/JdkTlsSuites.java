package dev.midge.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import java.security.GeneralSecurityException;

/**
 * The JDK's TLS suites (supported, and enabled by default), for the {@code ciphers} selection. Asked of
 * a context of our own with no trust anchors, not of {@link SSLContext#getDefault()}: the default
 * context loads the JDK's default trust store, which Midge never trusts (only cafile/capath), and fails
 * when that store cannot be read (a wrong {@code javax.net.ssl.trustStore*} option, a runtime without
 * cacerts), which stopped the broker's start-up. Both are the JDK's "TLS" context, so the suites are the
 * same. (Netty's JdkSslContext still reads the default store once for its own defaults and tolerates
 * a failure; the JDK then keeps its ~140 certificates, so this saves no memory.)
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

package dev.midge.tls;

import dev.midge.conf.TlsOptions;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * {@code midge_tls_provider openssl}: BoringSSL from netty-tcnative runs the certificate
 * handshakes instead of the JDK. The operator asked for it, so when its native library cannot
 * load (another platform, tcnative not on the class path, a noexec /tmp) start-up stops with the
 * cause: never a silent fall back to the JDK.
 */
final class NativeTls {

    private NativeTls() {
    }

    static SslProvider provider(TlsOptions.Provider provider) {
        if (provider != TlsOptions.Provider.OPENSSL) {
            return SslProvider.JDK;
        }
        if (!OpenSsl.isAvailable()) {
            Throwable cause = OpenSsl.unavailabilityCause();
            throw new IllegalArgumentException("midge_tls_provider openssl cannot be honoured: OpenSSL (netty-tcnative-"
                    + "boringssl-static) did not load: " + describe(cause) + "; use midge_tls_provider jdk (the default)"
                    + " or run where the native library loads (linux-x86_64 with broker.jar)");
        }
        return SslProvider.OPENSSL;
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "no reason given";
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getClass().getSimpleName() + ": " + root.getMessage();
        return root == cause ? text : cause.getMessage() + " (" + text + ")";
    }
}

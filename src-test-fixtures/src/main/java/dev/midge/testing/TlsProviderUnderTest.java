package dev.midge.testing;

import java.time.Duration;
import java.util.List;

/**
 * Which TLS provider a test's certificate listeners run on: the JDK's (the default), or BoringSSL
 * with {@code -Dmidge.test.tlsProvider=openssl}. The CLI's pom runs its TLS-relevant ITs a second
 * time with that property, so a broker.jar behaviour they check holds on both providers. A test adds
 * {@link #confLine()} to each certificate listener of its conf and proves the provider is the one
 * asked for with {@link #awaitInUse}: a pass that silently ran on the JDK's TLS would prove nothing.
 */
public final class TlsProviderUnderTest {

    public static final String PROPERTY = "midge.test.tlsProvider";

    /** What {@code TlsListenerSecurity} logs at start-up for a listener on BoringSSL. */
    private static final String OPENSSL_LINE = "TLS handshakes for .* run by BoringSSL \\(midge_tls_provider openssl\\)";

    private TlsProviderUnderTest() {
    }

    /** True when this run's certificate listeners are on {@code midge_tls_provider openssl}. */
    public static boolean openssl() {
        String value = System.getProperty(PROPERTY, "jdk");
        return switch (value) {
            case "jdk" -> false;
            case "openssl" -> true;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": use jdk or openssl");
        };
    }

    /** The conf line (with its newline) for a certificate listener's block; empty on the JDK's provider. */
    public static String confLine() {
        return openssl() ? "midge_tls_provider openssl\n" : "";
    }

    /** On OpenSSL, waits for the broker's start-up line saying BoringSSL runs the listener's handshakes. */
    public static void awaitInUse(BrokerProcess broker, Duration timeout) throws InterruptedException {
        if (openssl()) {
            broker.awaitLine(OPENSSL_LINE, timeout);
        }
    }

    /** As {@link #awaitInUse(BrokerProcess, Duration)} for a broker in this JVM, from its captured log lines. */
    public static void assertInUse(List<String> logLines) {
        if (openssl() && logLines.stream().noneMatch(line -> line.matches(".*" + OPENSSL_LINE + ".*"))) {
            throw new AssertionError("-D" + PROPERTY + "=openssl, but no listener logged that BoringSSL runs it: "
                    + logLines);
        }
    }
}

package dev.midge.testing;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which TLS provider a test's certificate listeners run on: the JDK's (the default), or BoringSSL
 * with {@code -Dmidge.test.tlsProvider=openssl}. The CLI's pom runs its TLS-handshaking ITs a second
 * time with that property, so a broker.jar behaviour they check holds on both providers.
 * {@link BrokerProcess} gives every broker.jar it starts {@value #ENVIRONMENT}{@code =openssl}
 * (run's default for listeners without a {@code midge_tls_provider} line) and fails the test if a
 * listener logs that the JDK's TLS runs it: a pass that silently ran on the JDK's TLS would prove nothing.
 */
public final class TlsProviderUnderTest {

    public static final String PROPERTY = "midge.test.tlsProvider";

    /** run's default provider for certificate listeners without their own line (cli's TlsProviderSwitch). */
    public static final String ENVIRONMENT = "MIDGE_TLS_PROVIDER";

    /** What {@code TlsListenerSecurity} logs at start-up for a listener on BoringSSL. */
    private static final String OPENSSL_LINE = "TLS handshakes for .* run by BoringSSL \\(midge_tls_provider openssl\\)";

    /** ... and for one on the JDK's TLS. */
    private static final Pattern JDK_LINE = Pattern.compile("TLS handshakes for .* run by the JDK's TLS");

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
        if (openssl()) {
            logLines.stream().filter(TlsProviderUnderTest::onTheJdk).findFirst()
                    .ifPresent(line -> failOnTheJdk(line, String.join("\n", logLines)));
        }
    }

    /** Whether a broker's log line says a certificate listener runs on the JDK's TLS. */
    static boolean onTheJdk(String line) {
        return JDK_LINE.matcher(line).find();
    }

    static void failOnTheJdk(String line, String output) {
        throw new AssertionError("-D" + PROPERTY + "=openssl, but a listener of this broker runs on the JDK's TLS: "
                + line + " (a midge_tls_provider jdk line in its conf? a test that cannot run on OpenSSL skips "
                + "with an assumption); output was:\n" + output);
    }
}

package dev.midge.tls;

import dev.midge.conf.TlsOptions;

/**
 * The TLS provider this test run's listeners use: the JDK's by default, OpenSSL's with
 * {@code -Dmidge.test.tlsProvider=openssl} (broker-tls's pom runs every test a second time so on
 * linux-x86_64), so each behaviour is proven on both.
 */
final class TlsProviderUnderTest {

    static final String PROPERTY = "midge.test.tlsProvider";

    private TlsProviderUnderTest() {
    }

    static TlsOptions.Provider get() {
        String name = System.getProperty(PROPERTY, "jdk");
        for (TlsOptions.Provider provider : TlsOptions.Provider.values()) {
            if (provider.keyword().equalsIgnoreCase(name)) {
                return provider;
            }
        }
        throw new IllegalArgumentException("-D" + PROPERTY + "=" + name + ": use jdk or openssl");
    }
}

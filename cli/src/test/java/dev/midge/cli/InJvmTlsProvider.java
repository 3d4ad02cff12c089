package dev.midge.cli;

import dev.midge.conf.TlsOptions;
import dev.midge.conf.TlsProviderDefault;
import dev.midge.testing.TlsProviderUnderTest;

/**
 * For a broker an IT starts in its own JVM ({@code BrokerAssembly.start}): the provider
 * {@code BrokerProcess} gives broker.jar through MIDGE_TLS_PROVIDER, as run's default for listeners
 * without a midge_tls_provider line. Such a test proves it with {@code TlsProviderUnderTest.assertInUse}.
 */
public final class InJvmTlsProvider {

    private InJvmTlsProvider() {
    }

    public static TlsProviderDefault runDefault() {
        return TlsProviderUnderTest.openssl()
                ? new TlsProviderDefault(TlsOptions.Provider.OPENSSL, "-D" + TlsProviderUnderTest.PROPERTY + "=openssl")
                : TlsProviderDefault.JDK;
    }
}

package dev.midge.conf;

/**
 * The TLS provider of every certificate listener whose block has no {@code midge_tls_provider}
 * line: {@code run --tls-provider} or its environment variable, so one switch (a container's
 * environment, a test run) moves every listener to BoringSSL while a conf line still wins.
 *
 * @param provider the provider a listener gets without its own line
 * @param origin   where it was asked for, for messages ("--tls-provider openssl", "MIDGE_TLS_PROVIDER=openssl")
 */
public record TlsProviderDefault(TlsOptions.Provider provider, String origin) {

    /** No switch given: the JDK's TLS, as without Midge's option. */
    public static final TlsProviderDefault JDK = new TlsProviderDefault(TlsOptions.Provider.JDK, "the default");

    public TlsProviderDefault {
        if (provider == null || origin == null) {
            throw new IllegalArgumentException("provider and origin are required");
        }
    }

    /**
     * Reads a provider's keyword ({@code jdk}, {@code openssl}) given at {@code origin}.
     *
     * @throws IllegalArgumentException naming the origin and the accepted words
     */
    public static TlsProviderDefault parse(String keyword, String origin) {
        for (TlsOptions.Provider p : TlsOptions.Provider.values()) {
            if (p.keyword().equals(keyword)) {
                return new TlsProviderDefault(p, origin);
            }
        }
        throw new IllegalArgumentException(origin + ": '" + keyword + "' is not a TLS provider; use jdk or openssl");
    }
}

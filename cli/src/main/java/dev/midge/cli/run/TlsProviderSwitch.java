package dev.midge.cli.run;

import dev.midge.conf.TlsProviderDefault;

/**
 * {@code run --tls-provider jdk|openssl}, else the environment variable {@value #ENVIRONMENT}: the
 * provider of every certificate listener without its own {@code midge_tls_provider} line. The
 * variable is for containers and test runs, where one setting should move every listener.
 */
public final class TlsProviderSwitch {

    public static final String ENVIRONMENT = "MIDGE_TLS_PROVIDER";

    private TlsProviderSwitch() {
    }

    /**
     * @param option      {@code --tls-provider}, or null when not given
     * @param environment the value of {@value #ENVIRONMENT}, or null; empty counts as not set
     * @throws StartupException exit code 3, naming where the bad value came from
     */
    public static TlsProviderDefault resolve(String option, String environment) throws StartupException {
        try {
            if (option != null) {
                return TlsProviderDefault.parse(option, "--tls-provider " + option);
            }
            if (environment != null && !environment.isEmpty()) {
                return TlsProviderDefault.parse(environment, ENVIRONMENT + "=" + environment);
            }
            return TlsProviderDefault.JDK;
        } catch (IllegalArgumentException e) {
            throw new StartupException("Error: " + e.getMessage(), 3);
        }
    }
}

package dev.midge.conf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks {@code ciphers} and {@code ciphers_tls1.3} at their line by evaluating them as OpenSSL
 * would ({@link OpenSslCipherString}): what OpenSSL refuses, or a list that leaves no suite the
 * JDK implements, stops start-up; words OpenSSL silently ignores get a warning.
 */
final class OpenSslCipherList {

    /** The TLS 1.3 suites OpenSSL's {@code ciphersuites} knows, and those the JDK implements. */
    private static final Set<String> TLS13_OPENSSL = Set.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256");
    private static final Set<String> TLS13_JDK = Set.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");

    private OpenSslCipherList() {
    }

    /** {@code ciphers}: an OpenSSL cipher string for TLS 1.2. */
    static String ciphers(ConfLine line, List<ConfigWarning> warnings) {
        String rules = Values.text(line);
        OpenSslCipherString.Selection selection;
        try {
            selection = OpenSslCipherString.select(rules);
        } catch (IllegalArgumentException e) {
            throw line.error(e.getMessage());
        }
        for (String word : selection.ignored()) {
            String openssl = OpenSslCipherString.opensslName(word);
            warnings.add(line.warning("ciphers: ignoring '" + word + "' as OpenSSL does: " + (openssl != null
                    ? "OpenSSL names this suite " + openssl
                    : "it is neither an OpenSSL cipher keyword nor a TLS 1.2 suite both OpenSSL and the JDK implement")));
        }
        if (selection.suites().isEmpty()) {
            throw line.error("'" + rules + "' selects no TLS 1.2 cipher suite the JDK implements (OpenSSL: no cipher"
                    + " match); check it with: openssl ciphers -s -v '" + rules + "'");
        }
        return rules;
    }

    /** {@code ciphers_tls1.3}: OpenSSL's {@code ciphersuites}, IANA names separated by ':'. */
    static String ciphersTls13(ConfLine line, List<ConfigWarning> warnings) {
        String list = Values.text(line);
        List<String> usable = new ArrayList<>();
        for (String name : list.split(":")) {
            name = name.strip();
            if (TLS13_JDK.contains(name)) {
                usable.add(name);
            } else if (!name.isEmpty()) {
                warnings.add(line.warning("ciphers_tls1.3: ignoring '" + name + "': " + (TLS13_OPENSSL.contains(name)
                        ? "the JDK does not implement it" : "not a TLS 1.3 suite name (TLS_AES_128_GCM_SHA256, "
                        + "TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256)")));
            }
        }
        if (usable.isEmpty()) {
            throw line.error("'" + list + "' names no TLS 1.3 suite the JDK implements (TLS_AES_128_GCM_SHA256, "
                    + "TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256)");
        }
        return list;
    }

    /**
     * {@code ciphers} on a TLS-PSK listener: the same string over the PSK suites it offers. A list
     * that leaves none would refuse every TLS 1.2 client, so it stops start-up at its line.
     */
    static void pskCiphers(ConfigLocation at, String rules, List<ConfigWarning> warnings) {
        OpenSslCipherString.Selection selection;
        try {
            selection = OpenSslCipherString.selectPsk(rules);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at, e.getMessage());
        }
        if (selection.suites().isEmpty()) {
            throw new ConfigException(at, "'" + rules + "' selects no TLS-PSK cipher suite Midge offers ("
                    + String.join(", ", OpenSslSuites.PSK_SUITES.stream().map(OpenSslSuites.Entry::name).toList())
                    + "); check it with: openssl ciphers -psk -s -v '" + rules + "'");
        }
    }
}

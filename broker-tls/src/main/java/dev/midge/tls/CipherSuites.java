package dev.midge.tls;

import dev.midge.conf.OpenSslCipherString;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The JSSE suites of a listener from mosquitto's {@code ciphers} (an OpenSSL cipher string, evaluated
 * as OpenSSL does by {@link OpenSslCipherString}: same suites, same order) and {@code ciphers_tls1.3}
 * (IANA names, as OpenSSL's {@code ciphersuites}). Unknown words were warned by the conf parser;
 * here they are skipped as OpenSSL skips them.
 */
final class CipherSuites {

    private CipherSuites() {
    }

    /**
     * The JSSE suites to enable, or null to keep the JDK's defaults (neither option set).
     *
     * @param supported the suites the JDK supports (what an explicit name may pick)
     * @param defaults  the suites the JDK enables by default (what an unset option keeps: never
     *                  the anonymous or NULL suites that "supported" also lists)
     * @throws IllegalArgumentException when an option set leaves no suite for its TLS version, or
     *                                  OpenSSL could not read {@code ciphers}
     */
    static List<String> select(String ciphers, String ciphersTls13, Set<String> supported, List<String> defaults) {
        if (ciphers == null && ciphersTls13 == null) {
            return null;
        }
        List<String> result = new ArrayList<>();
        if (ciphersTls13 != null) {
            for (String name : ciphersTls13.split(":")) {
                if (isTls13(name.strip()) && supported.contains(name.strip()) && !result.contains(name.strip())) {
                    result.add(name.strip());
                }
            }
            if (result.isEmpty()) {
                throw new IllegalArgumentException("ciphers_tls1.3 '" + ciphersTls13
                        + "' names no TLS 1.3 suite the JDK supports");
            }
        } else {
            defaults.stream().filter(CipherSuites::isTls13).forEach(result::add);
        }
        if (ciphers != null) {
            List<String> tls12 = OpenSslCipherString.select(ciphers).suites().stream()
                    .filter(supported::contains).toList();
            if (tls12.isEmpty()) {
                throw new IllegalArgumentException("ciphers '" + ciphers
                        + "' selects no TLS 1.2 suite the JDK supports (check: openssl ciphers -s -v '" + ciphers + "')");
            }
            result.addAll(tls12);
        } else {
            defaults.stream().filter(s -> !isTls13(s)).forEach(result::add);
        }
        return result;
    }

    /** The OpenSSL security level {@code ciphers} sets with {@code @SECLEVEL}, or the default. */
    static int securityLevel(String ciphers) {
        return ciphers == null ? OpenSslCipherString.DEFAULT_SECURITY_LEVEL
                : OpenSslCipherString.select(ciphers).securityLevel();
    }

    /** TLS 1.3 suites have no key exchange in their name. */
    static boolean isTls13(String javaName) {
        return javaName.startsWith("TLS_AES_") || javaName.startsWith("TLS_CHACHA20_");
    }
}

package dev.midge.tls;

import io.netty.handler.ssl.OpenSsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code ciphers} and {@code ciphers_tls1.3} for {@code midge_tls_provider openssl}: the same
 * evaluation as for the JDK ({@link CipherSuites}), limited to the suites BoringSSL implements.
 * BoringSSL's TLS 1.3 suites cannot be restricted, so a {@code ciphers_tls1.3} that leaves one
 * out cannot be honoured and stops start-up rather than being quietly ignored.
 */
final class BoringSslSuites {

    private BoringSslSuites() {
    }

    /** The Java names of the suites to enable, or null for Netty's OpenSSL defaults (neither option set). */
    static List<String> select(String ciphers, String ciphersTls13) {
        // Netty lists suites it cannot name in Java as null.
        Set<String> available = OpenSsl.availableJavaCipherSuites().stream().filter(java.util.Objects::nonNull)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        List<String> tls13 = available.stream().filter(CipherSuites::isTls13).sorted().toList();
        // What an unset option keeps: the JDK's defaults that BoringSSL has, as on the JDK provider.
        List<String> defaults = jdkDefaults().stream().filter(available::contains).toList();
        List<String> selected = CipherSuites.select(ciphers, ciphersTls13, available, defaults);
        if (selected == null) {
            return null;
        }
        if (ciphersTls13 != null) {
            List<String> asked = selected.stream().filter(CipherSuites::isTls13).toList();
            if (!asked.containsAll(tls13)) {
                List<String> left = new ArrayList<>(tls13);
                left.removeAll(asked);
                throw new IllegalArgumentException("ciphers_tls1.3 '" + ciphersTls13 + "' cannot be honoured with "
                        + "midge_tls_provider openssl: BoringSSL always enables " + String.join(":", tls13)
                        + " and cannot turn off " + String.join(":", left) + "; use midge_tls_provider jdk");
            }
        }
        return selected;
    }

    private static List<String> jdkDefaults() {
        return List.of(JdkTlsSuites.defaults().getCipherSuites());
    }
}

package dev.midge.tls;

import io.netty.handler.ssl.CipherSuiteConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps mosquitto's {@code ciphers} (OpenSSL names, e.g. "ECDHE-RSA-AES128-GCM-SHA256") and
 * {@code ciphers_tls1.3} (IANA names, e.g. "TLS_AES_128_GCM_SHA256") to JSSE cipher suite names.
 * OpenSSL's keywords and operators ("HIGH", "!aNULL", "@STRENGTH") have no JSSE equivalent; they
 * and unknown names are skipped with one warning per name per run, so a reload does not repeat it.
 */
final class CipherSuites {

    private static final Logger LOG = LoggerFactory.getLogger(CipherSuites.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private CipherSuites() {
    }

    /**
     * The JSSE suites to enable, or null to keep the JDK's defaults (neither option set).
     *
     * @param supported the suites the JDK supports (what an explicit name may pick)
     * @param defaults  the suites the JDK enables by default (what an unset option keeps: never
     *                  the anonymous or NULL suites that "supported" also lists)
     */
    static List<String> select(String ciphers, String ciphersTls13, Set<String> supported, List<String> defaults) {
        if (ciphers == null && ciphersTls13 == null) {
            return null;
        }
        Set<String> result = new LinkedHashSet<>();
        if (ciphersTls13 != null) {
            result.addAll(map(ciphersTls13, "ciphers_tls1.3", supported, true));
        } else {
            defaults.stream().filter(CipherSuites::isTls13).forEach(result::add);
        }
        if (ciphers != null) {
            result.addAll(map(ciphers, "ciphers", supported, false));
        } else {
            defaults.stream().filter(s -> !isTls13(s)).forEach(result::add);
        }
        return new ArrayList<>(result);
    }

    private static List<String> map(String list, String option, Set<String> supported, boolean tls13) {
        List<String> result = new ArrayList<>();
        for (String name : Arrays.stream(list.split("[:, ]+")).filter(s -> !s.isBlank()).toList()) {
            String java = tls13 || name.startsWith("TLS_") ? name : CipherSuiteConverter.toJava(name, "TLS");
            if (java != null && supported.contains(java) && isTls13(java) == tls13) {
                result.add(java);
            } else if (WARNED.add(option + " " + name)) {
                LOG.warn("{}: ignoring \"{}\": {}", option, name, java == null
                        ? "not a cipher suite name Midge knows (OpenSSL keywords and operators are not supported)"
                        : "not a suite the JDK supports here (read as " + java + ")");
            }
        }
        return result;
    }

    /** TLS 1.3 suites have no key exchange in their name. */
    static boolean isTls13(String javaName) {
        return javaName.startsWith("TLS_AES_") || javaName.startsWith("TLS_CHACHA20_");
    }
}

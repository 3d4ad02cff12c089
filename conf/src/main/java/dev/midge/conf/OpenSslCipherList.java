package dev.midge.conf;

import java.util.Set;

/**
 * Refuses the terms of an OpenSSL cipher list ({@code ciphers}, {@code ciphers_tls1.3}) that the
 * JDK cannot honour in a way that weakens the listener. The TLS module enables only the suites
 * named explicitly, so a dropped positive keyword ("HIGH") only narrows the list; but a dropped
 * exclusion ("!SHA1", "-kRSA") would enable suites the operator excluded, and a dropped
 * {@code @SECLEVEL=2} or higher would accept keys OpenSSL would refuse.
 */
final class OpenSslCipherList {

    /**
     * Exclusions the JDK honours by itself: every suite they name is unknown to JSSE or disabled
     * by JDK 17's {@code jdk.tls.disabledAlgorithms} (anon, NULL, RC4, DES, 3DES_EDE_CBC, MD5).
     */
    private static final Set<String> EXCLUSIONS_THE_JDK_ENFORCES = Set.of("aNULL", "eNULL", "NULL", "ADH", "AECDH",
            "RC4", "DES", "3DES", "MD5", "EXPORT", "EXP", "LOW", "PSK", "kPSK", "aPSK", "SRP", "CAMELLIA", "ARIA",
            "SEED", "IDEA");

    private OpenSslCipherList() {
    }

    static String check(ConfLine line) {
        String list = Values.text(line);
        for (String term : list.split("[:, ]+")) {
            if (term.startsWith("!") || term.startsWith("-")) {
                String excluded = term.substring(1);
                if (!EXCLUSIONS_THE_JDK_ENFORCES.contains(excluded)) {
                    throw line.error("'" + term + "' cannot be honoured: Midge enables the suites named in "
                            + line.option() + " but cannot evaluate OpenSSL exclusions, so suites matching '"
                            + excluded + "' would stay enabled; list only the suites you want");
                }
            } else if (term.startsWith("@SECLEVEL=")) {
                String level = term.substring("@SECLEVEL=".length());
                if (!level.equals("0") && !level.equals("1")) {
                    throw line.error("'" + term + "' cannot be honoured: the JDK has no OpenSSL security levels, so "
                            + "the key sizes and signature algorithms level " + level + " refuses would be accepted");
                }
            }
        }
        return list;
    }
}

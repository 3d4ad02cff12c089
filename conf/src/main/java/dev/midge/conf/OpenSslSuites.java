package dev.midge.conf;

import java.util.List;

/**
 * OpenSSL's description of the TLS 1.2 cipher suites the JDK also implements (the attributes of
 * {@code ssl3_ciphers} in OpenSSL's {@code s3_lib.c}, the masks of {@code ssl_local.h}) and the
 * keyword aliases of {@code ssl_ciph.c}: what {@link OpenSslCipherString} evaluates a
 * {@code ciphers} string against. Suites OpenSSL has but the JDK lacks (CAMELLIA, ARIA, CCM,
 * SRP, anonymous, NULL) are left out: every rule moves matching suites while keeping their order,
 * so leaving suites out does not change the order of the rest. PSK suites, which only a TLS-PSK
 * listener offers, are a table of their own ({@link #PSK_SUITES}).
 */
final class OpenSslSuites {

    // Key exchange.
    static final int K_RSA = 1, K_DHE = 1 << 1, K_ECDHE = 1 << 2, K_PSK = 1 << 3, K_RSAPSK = 1 << 4,
            K_DHEPSK = 1 << 5, K_ECDHEPSK = 1 << 6, K_SRP = 1 << 7, K_GOST = 1 << 8, K_GOST18 = 1 << 9;
    static final int K_ANY_PSK = K_PSK | K_RSAPSK | K_DHEPSK | K_ECDHEPSK;
    // Server authentication.
    static final int A_RSA = 1, A_DSS = 1 << 1, A_NULL = 1 << 2, A_ECDSA = 1 << 3, A_PSK = 1 << 4,
            A_GOST01 = 1 << 5, A_GOST12 = 1 << 6, A_SRP = 1 << 7;
    // Symmetric encryption.
    static final int E_DES = 1, E_3DES = 1 << 1, E_RC4 = 1 << 2, E_RC2 = 1 << 3, E_IDEA = 1 << 4,
            E_NULL = 1 << 5, E_AES128 = 1 << 6, E_AES256 = 1 << 7, E_CAMELLIA128 = 1 << 8,
            E_CAMELLIA256 = 1 << 9, E_GOST89 = 1 << 10, E_SEED = 1 << 11, E_AES128GCM = 1 << 12,
            E_AES256GCM = 1 << 13, E_AES128CCM = 1 << 14, E_AES256CCM = 1 << 15, E_AES128CCM8 = 1 << 16,
            E_AES256CCM8 = 1 << 17, E_GOST89_12 = 1 << 18, E_CHACHA20POLY1305 = 1 << 19,
            E_ARIA128GCM = 1 << 20, E_ARIA256GCM = 1 << 21, E_MAGMA = 1 << 22, E_KUZNYECHIK = 1 << 23;
    static final int E_AES = E_AES128 | E_AES256 | E_AES128GCM | E_AES256GCM | E_AES128CCM | E_AES256CCM
            | E_AES128CCM8 | E_AES256CCM8;
    static final int E_CBC = E_DES | E_3DES | E_RC2 | E_IDEA | E_AES128 | E_AES256 | E_CAMELLIA128
            | E_CAMELLIA256 | E_SEED;
    // Message authentication.
    static final int M_MD5 = 1, M_SHA1 = 1 << 1, M_GOST94 = 1 << 2, M_GOST89MAC = 1 << 3, M_SHA256 = 1 << 4,
            M_SHA384 = 1 << 5, M_AEAD = 1 << 6, M_GOST12_256 = 1 << 7, M_GOST89MAC12 = 1 << 8;
    // Strength classes; NOT_DEFAULT is what COMPLEMENTOFDEFAULT selects.
    static final int S_LOW = 1 << 1, S_MEDIUM = 1 << 2, S_HIGH = 1 << 3, S_FIPS = 1 << 4, S_NOT_DEFAULT = 1 << 5;
    static final int S_STRONG_MASK = 0x1F, S_DEFAULT_MASK = S_NOT_DEFAULT;
    // The first protocol version a suite can be used with.
    static final int SSL3 = 0x300, TLS1 = 0x301, TLS1_2 = 0x303;

    /** A suite, or (with {@code suite} false) an alias: a pattern of the same masks. */
    record Entry(String name, String iana, boolean suite, int kx, int auth, int enc, int mac, int minTls,
                 int strength, int bits) {
    }

    /**
     * In the order OpenSSL's default preference rules leave them ({@code openssl ciphers -v ALL}):
     * those rules are applied again by {@link OpenSslCipherString}; where they leave a tie, this
     * order breaks it as OpenSSL's own table does.
     */
    static final List<Entry> SUITES = List.of(
            suite("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", K_ECDHE, A_ECDSA, E_AES256GCM, M_AEAD, TLS1_2),
            suite("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", K_ECDHE, A_RSA, E_AES256GCM, M_AEAD, TLS1_2),
            suite("DHE-DSS-AES256-GCM-SHA384", "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", K_DHE, A_DSS, E_AES256GCM, M_AEAD, TLS1_2),
            suite("DHE-RSA-AES256-GCM-SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", K_DHE, A_RSA, E_AES256GCM, M_AEAD, TLS1_2),
            suite("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", K_ECDHE, A_ECDSA, E_CHACHA20POLY1305, M_AEAD, TLS1_2),
            suite("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", K_ECDHE, A_RSA, E_CHACHA20POLY1305, M_AEAD, TLS1_2),
            suite("DHE-RSA-CHACHA20-POLY1305", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", K_DHE, A_RSA, E_CHACHA20POLY1305, M_AEAD, TLS1_2),
            suite("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", K_ECDHE, A_ECDSA, E_AES128GCM, M_AEAD, TLS1_2),
            suite("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", K_ECDHE, A_RSA, E_AES128GCM, M_AEAD, TLS1_2),
            suite("DHE-DSS-AES128-GCM-SHA256", "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", K_DHE, A_DSS, E_AES128GCM, M_AEAD, TLS1_2),
            suite("DHE-RSA-AES128-GCM-SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", K_DHE, A_RSA, E_AES128GCM, M_AEAD, TLS1_2),
            suite("ECDHE-ECDSA-AES256-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", K_ECDHE, A_ECDSA, E_AES256, M_SHA384, TLS1_2),
            suite("ECDHE-RSA-AES256-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", K_ECDHE, A_RSA, E_AES256, M_SHA384, TLS1_2),
            suite("DHE-RSA-AES256-SHA256", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", K_DHE, A_RSA, E_AES256, M_SHA256, TLS1_2),
            suite("DHE-DSS-AES256-SHA256", "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", K_DHE, A_DSS, E_AES256, M_SHA256, TLS1_2),
            suite("ECDHE-ECDSA-AES128-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", K_ECDHE, A_ECDSA, E_AES128, M_SHA256, TLS1_2),
            suite("ECDHE-RSA-AES128-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", K_ECDHE, A_RSA, E_AES128, M_SHA256, TLS1_2),
            suite("DHE-RSA-AES128-SHA256", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", K_DHE, A_RSA, E_AES128, M_SHA256, TLS1_2),
            suite("DHE-DSS-AES128-SHA256", "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", K_DHE, A_DSS, E_AES128, M_SHA256, TLS1_2),
            suite("ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", K_ECDHE, A_ECDSA, E_AES256, M_SHA1, TLS1),
            suite("ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", K_ECDHE, A_RSA, E_AES256, M_SHA1, TLS1),
            suite("DHE-RSA-AES256-SHA", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", K_DHE, A_RSA, E_AES256, M_SHA1, SSL3),
            suite("DHE-DSS-AES256-SHA", "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", K_DHE, A_DSS, E_AES256, M_SHA1, SSL3),
            suite("ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", K_ECDHE, A_ECDSA, E_AES128, M_SHA1, TLS1),
            suite("ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", K_ECDHE, A_RSA, E_AES128, M_SHA1, TLS1),
            suite("DHE-RSA-AES128-SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", K_DHE, A_RSA, E_AES128, M_SHA1, SSL3),
            suite("DHE-DSS-AES128-SHA", "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", K_DHE, A_DSS, E_AES128, M_SHA1, SSL3),
            suite("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384", K_RSA, A_RSA, E_AES256GCM, M_AEAD, TLS1_2),
            suite("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", K_RSA, A_RSA, E_AES128GCM, M_AEAD, TLS1_2),
            suite("AES256-SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256", K_RSA, A_RSA, E_AES256, M_SHA256, TLS1_2),
            suite("AES128-SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256", K_RSA, A_RSA, E_AES128, M_SHA256, TLS1_2),
            suite("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", K_RSA, A_RSA, E_AES256, M_SHA1, SSL3),
            suite("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA", K_RSA, A_RSA, E_AES128, M_SHA1, SSL3));

    /**
     * The TLS 1.2 PSK suites OpenSSL has and a TLS-PSK listener (BouncyCastle) offers, in the order
     * of {@code openssl ciphers -psk -v ALL}: what {@code ciphers} selects from on a TLS-PSK
     * listener. BouncyCastle's ECDHE-PSK AES-GCM suite is missing: OpenSSL has no name for it, so
     * mosquitto would never offer it under a cipher list either.
     */
    static final List<Entry> PSK_SUITES = List.of(
            suite("DHE-PSK-AES256-GCM-SHA384", "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", K_DHEPSK, A_PSK, E_AES256GCM, M_AEAD, TLS1_2),
            suite("DHE-PSK-CHACHA20-POLY1305", "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", K_DHEPSK, A_PSK, E_CHACHA20POLY1305, M_AEAD, TLS1_2),
            suite("ECDHE-PSK-CHACHA20-POLY1305", "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", K_ECDHEPSK, A_PSK, E_CHACHA20POLY1305, M_AEAD, TLS1_2),
            suite("PSK-AES256-GCM-SHA384", "TLS_PSK_WITH_AES_256_GCM_SHA384", K_PSK, A_PSK, E_AES256GCM, M_AEAD, TLS1_2),
            suite("PSK-CHACHA20-POLY1305", "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", K_PSK, A_PSK, E_CHACHA20POLY1305, M_AEAD, TLS1_2),
            suite("DHE-PSK-AES128-GCM-SHA256", "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", K_DHEPSK, A_PSK, E_AES128GCM, M_AEAD, TLS1_2),
            suite("PSK-AES128-GCM-SHA256", "TLS_PSK_WITH_AES_128_GCM_SHA256", K_PSK, A_PSK, E_AES128GCM, M_AEAD, TLS1_2),
            suite("ECDHE-PSK-AES256-CBC-SHA384", "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", K_ECDHEPSK, A_PSK, E_AES256, M_SHA384, TLS1),
            suite("PSK-AES256-CBC-SHA384", "TLS_PSK_WITH_AES_256_CBC_SHA384", K_PSK, A_PSK, E_AES256, M_SHA384, TLS1),
            suite("ECDHE-PSK-AES128-CBC-SHA256", "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", K_ECDHEPSK, A_PSK, E_AES128, M_SHA256, TLS1),
            suite("PSK-AES128-CBC-SHA256", "TLS_PSK_WITH_AES_128_CBC_SHA256", K_PSK, A_PSK, E_AES128, M_SHA256, TLS1));

    /** OpenSSL 3's {@code cipher_aliases}; masks of 0 match anything. */
    static final List<Entry> ALIASES = List.of(
            alias("ALL", 0, 0, ~E_NULL, 0, 0, 0),
            alias("COMPLEMENTOFALL", 0, 0, E_NULL, 0, 0, 0),
            alias("COMPLEMENTOFDEFAULT", 0, 0, 0, 0, 0, S_NOT_DEFAULT),
            alias("kRSA", K_RSA, 0, 0, 0, 0, 0),
            alias("kEDH", K_DHE, 0, 0, 0, 0, 0),
            alias("kDHE", K_DHE, 0, 0, 0, 0, 0),
            alias("DH", K_DHE, 0, 0, 0, 0, 0),
            alias("kEECDH", K_ECDHE, 0, 0, 0, 0, 0),
            alias("kECDHE", K_ECDHE, 0, 0, 0, 0, 0),
            alias("ECDH", K_ECDHE, 0, 0, 0, 0, 0),
            alias("kPSK", K_PSK, 0, 0, 0, 0, 0),
            alias("kRSAPSK", K_RSAPSK, 0, 0, 0, 0, 0),
            alias("kECDHEPSK", K_ECDHEPSK, 0, 0, 0, 0, 0),
            alias("kDHEPSK", K_DHEPSK, 0, 0, 0, 0, 0),
            alias("kSRP", K_SRP, 0, 0, 0, 0, 0),
            alias("kGOST", K_GOST, 0, 0, 0, 0, 0),
            alias("kGOST18", K_GOST18, 0, 0, 0, 0, 0),
            alias("aRSA", 0, A_RSA, 0, 0, 0, 0),
            alias("aDSS", 0, A_DSS, 0, 0, 0, 0),
            alias("DSS", 0, A_DSS, 0, 0, 0, 0),
            alias("aNULL", 0, A_NULL, 0, 0, 0, 0),
            alias("aECDSA", 0, A_ECDSA, 0, 0, 0, 0),
            alias("ECDSA", 0, A_ECDSA, 0, 0, 0, 0),
            alias("aPSK", 0, A_PSK, 0, 0, 0, 0),
            alias("aGOST01", 0, A_GOST01, 0, 0, 0, 0),
            alias("aGOST12", 0, A_GOST12, 0, 0, 0, 0),
            alias("aGOST", 0, A_GOST01 | A_GOST12, 0, 0, 0, 0),
            alias("aSRP", 0, A_SRP, 0, 0, 0, 0),
            alias("EDH", K_DHE, ~A_NULL, 0, 0, 0, 0),
            alias("DHE", K_DHE, ~A_NULL, 0, 0, 0, 0),
            alias("EECDH", K_ECDHE, ~A_NULL, 0, 0, 0, 0),
            alias("ECDHE", K_ECDHE, ~A_NULL, 0, 0, 0, 0),
            alias("NULL", 0, 0, E_NULL, 0, 0, 0),
            alias("RSA", K_RSA, A_RSA, 0, 0, 0, 0),
            alias("ADH", K_DHE, A_NULL, 0, 0, 0, 0),
            alias("AECDH", K_ECDHE, A_NULL, 0, 0, 0, 0),
            alias("PSK", K_ANY_PSK, 0, 0, 0, 0, 0),
            alias("SRP", K_SRP, 0, 0, 0, 0, 0),
            alias("3DES", 0, 0, E_3DES, 0, 0, 0),
            alias("RC4", 0, 0, E_RC4, 0, 0, 0),
            alias("RC2", 0, 0, E_RC2, 0, 0, 0),
            alias("IDEA", 0, 0, E_IDEA, 0, 0, 0),
            alias("SEED", 0, 0, E_SEED, 0, 0, 0),
            alias("eNULL", 0, 0, E_NULL, 0, 0, 0),
            alias("GOST89", 0, 0, E_GOST89 | E_GOST89_12 | E_MAGMA | E_KUZNYECHIK, 0, 0, 0),
            alias("AES128", 0, 0, E_AES128 | E_AES128GCM | E_AES128CCM | E_AES128CCM8, 0, 0, 0),
            alias("AES256", 0, 0, E_AES256 | E_AES256GCM | E_AES256CCM | E_AES256CCM8, 0, 0, 0),
            alias("AES", 0, 0, E_AES, 0, 0, 0),
            alias("AESGCM", 0, 0, E_AES128GCM | E_AES256GCM, 0, 0, 0),
            alias("AESCCM", 0, 0, E_AES128CCM | E_AES256CCM | E_AES128CCM8 | E_AES256CCM8, 0, 0, 0),
            alias("AESCCM8", 0, 0, E_AES128CCM8 | E_AES256CCM8, 0, 0, 0),
            alias("CAMELLIA128", 0, 0, E_CAMELLIA128, 0, 0, 0),
            alias("CAMELLIA256", 0, 0, E_CAMELLIA256, 0, 0, 0),
            alias("CAMELLIA", 0, 0, E_CAMELLIA128 | E_CAMELLIA256, 0, 0, 0),
            alias("CHACHA20", 0, 0, E_CHACHA20POLY1305, 0, 0, 0),
            alias("GOST2012-GOST8912-GOST8912", 0, 0, E_GOST89_12, 0, 0, 0),
            alias("ARIA", 0, 0, E_ARIA128GCM | E_ARIA256GCM, 0, 0, 0),
            alias("ARIAGCM", 0, 0, E_ARIA128GCM | E_ARIA256GCM, 0, 0, 0),
            alias("ARIA128", 0, 0, E_ARIA128GCM, 0, 0, 0),
            alias("ARIA256", 0, 0, E_ARIA256GCM, 0, 0, 0),
            alias("CBC", 0, 0, E_CBC, 0, 0, 0),
            alias("MD5", 0, 0, 0, M_MD5, 0, 0),
            alias("SHA1", 0, 0, 0, M_SHA1, 0, 0),
            alias("SHA", 0, 0, 0, M_SHA1, 0, 0),
            alias("GOST94", 0, 0, 0, M_GOST94, 0, 0),
            alias("GOST89MAC", 0, 0, 0, M_GOST89MAC | M_GOST89MAC12, 0, 0),
            alias("SHA256", 0, 0, 0, M_SHA256, 0, 0),
            alias("SHA384", 0, 0, 0, M_SHA384, 0, 0),
            alias("GOST12", 0, 0, 0, M_GOST12_256, 0, 0),
            alias("SSLv3", 0, 0, 0, 0, SSL3, 0),
            alias("TLSv1", 0, 0, 0, 0, TLS1, 0),
            alias("TLSv1.0", 0, 0, 0, 0, TLS1, 0),
            alias("TLSv1.2", 0, 0, 0, 0, TLS1_2, 0),
            alias("LOW", 0, 0, 0, 0, 0, S_LOW),
            alias("MEDIUM", 0, 0, 0, 0, 0, S_MEDIUM),
            alias("HIGH", 0, 0, 0, 0, 0, S_HIGH),
            alias("FIPS", 0, 0, ~E_NULL, 0, 0, S_FIPS));

    private OpenSslSuites() {
    }

    private static Entry suite(String name, String iana, int kx, int auth, int enc, int mac, int minTls) {
        int bits = (enc & (E_AES128 | E_AES128GCM)) != 0 ? 128 : 256;
        // OpenSSL marks every AES suite FIPS-approved; ChaCha20-Poly1305 is not.
        int strength = (enc & E_AES) != 0 ? S_HIGH | S_FIPS : S_HIGH;
        if (auth == A_DSS) {
            strength |= S_NOT_DEFAULT; // OpenSSL 3 leaves DSS out of DEFAULT
        }
        return new Entry(name, iana, true, kx, auth, enc, mac, minTls, strength, bits);
    }

    private static Entry alias(String name, int kx, int auth, int enc, int mac, int minTls, int strength) {
        return new Entry(name, null, false, kx, auth, enc, mac, minTls, strength, 0);
    }
}

package dev.midge.conf;

/**
 * OpenSSL's security levels ({@code @SECLEVEL=n}, SSL_CTX_set_security_level(3)): the bits of
 * security a suite, key or signature must offer. Level 1 means RSA/DSA/DH of 1024 bits and EC of
 * 160; 2 (the default here, as in Debian's OpenSSL) 2048 and 224; 3: 3072 and 256; 4: 7680 and
 * 384; 5: 15360 and 512. Level 0 allows everything.
 */
public final class SecurityLevels {

    private static final int[] MINIMUM_BITS = {0, 80, 112, 128, 192, 256};

    private SecurityLevels() {
    }

    /** The security bits a level requires (0 for level 0). */
    public static int minimumBits(int level) {
        return MINIMUM_BITS[level];
    }

    /** OpenSSL's estimate of an RSA, DSA or DH modulus' strength (BN_security_bits). */
    public static int rsaSecurityBits(int modulusBits) {
        if (modulusBits >= 15360) {
            return 256;
        }
        if (modulusBits >= 7680) {
            return 192;
        }
        if (modulusBits >= 3072) {
            return 128;
        }
        if (modulusBits >= 2048) {
            return 112;
        }
        if (modulusBits >= 1024) {
            return 80;
        }
        return 0;
    }

    /** The smallest RSA modulus a level accepts: what to tell an operator to generate. */
    public static int minimumRsaBits(int level) {
        return new int[]{0, 1024, 2048, 3072, 7680, 15360}[level];
    }

    /** The smallest EC curve (order bits) a level accepts. */
    public static int minimumEcBits(int level) {
        return new int[]{0, 160, 224, 256, 384, 512}[level];
    }
}

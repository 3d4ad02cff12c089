package dev.midge.pki.issue;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Certificate serial numbers: 127 random bits, positive and non-zero (RFC 5280 4.1.2.2 allows
 * up to 20 octets; CA/Browser Forum asks for at least 64 bits of randomness). Uniqueness is
 * checked against the index by the caller, under its lock.
 */
public final class SerialNumbers {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SerialNumbers() {
    }

    public static BigInteger next() {
        byte[] bytes = new byte[16];
        BigInteger serial;
        do {
            RANDOM.nextBytes(bytes);
            bytes[0] &= 0x7f;
            serial = new BigInteger(1, bytes);
        } while (serial.bitLength() < 64);
        return serial;
    }
}

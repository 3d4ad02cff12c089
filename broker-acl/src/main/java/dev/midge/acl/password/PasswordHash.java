package dev.midge.acl.password;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * One mosquitto_passwd hash, verified in constant time. mosquitto's formats are its own, not
 * crypt(3)'s:
 * <ul>
 *   <li>{@code $6$SALT$HASH}: SHA-512 over the password then the salt (mosquitto 1.x);</li>
 *   <li>{@code $7$ITERATIONS$SALT$HASH}: PBKDF2-HMAC-SHA512 (mosquitto 2.0's default);</li>
 * </ul>
 * with a 12-byte salt and a 64-byte hash, both standard base64.
 */
public final class PasswordHash {

    private static final int SALT_BYTES = 12;
    private static final int HASH_BYTES = 64;

    private final int iterations; // 0 for $6$
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** Parses a hash as mosquitto_passwd writes it; throws with the reason it is not one. */
    public static PasswordHash parse(String text) {
        String[] parts = text.split("\\$", -1);
        // "$6$salt$hash" splits to "", "6", salt, hash; "$7$n$salt$hash" to "", "7", n, salt, hash.
        if (parts.length < 2 || !parts[0].isEmpty()) {
            throw new IllegalArgumentException("not a $6$ or $7$ hash (plain-text passwords can be hashed with mosquitto_passwd -U)");
        }
        switch (parts[1]) {
            case "6" -> {
                if (parts.length != 4) {
                    throw new IllegalArgumentException("a $6$ hash has the form $6$SALT$HASH");
                }
                return new PasswordHash(0, decode(parts[2], SALT_BYTES, "salt"), decode(parts[3], HASH_BYTES, "hash"));
            }
            case "7" -> {
                if (parts.length != 5) {
                    throw new IllegalArgumentException("a $7$ hash has the form $7$ITERATIONS$SALT$HASH");
                }
                int iterations;
                try {
                    iterations = Integer.parseInt(parts[2]);
                } catch (NumberFormatException e) {
                    iterations = 0;
                }
                if (iterations < 1) {
                    throw new IllegalArgumentException("the iteration count '" + parts[2] + "' is not a positive number");
                }
                return new PasswordHash(iterations, decode(parts[3], SALT_BYTES, "salt"), decode(parts[4], HASH_BYTES, "hash"));
            }
            default -> throw new IllegalArgumentException("unsupported hash type '$" + parts[1]
                    + "$' (mosquitto_passwd writes $6$ or $7$)");
        }
    }

    /** Whether this password (the CONNECT password bytes) has this hash. Slow on purpose for $7$. */
    public boolean matches(byte[] password) {
        byte[] computed = iterations == 0 ? sha512(password, salt) : pbkdf2Sha512(password, salt, iterations);
        return MessageDigest.isEqual(computed, hash);
    }

    private static byte[] decode(String base64, int expectedBytes, String what) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + what + " is not base64");
        }
        if (bytes.length != expectedBytes) {
            throw new IllegalArgumentException("the " + what + " is " + bytes.length + " bytes, expected " + expectedBytes);
        }
        return bytes;
    }

    private static byte[] sha512(byte[] password, byte[] salt) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-512");
            digest.update(password);
            digest.update(salt);
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-512 is missing from this JDK", e);
        }
    }

    /**
     * PBKDF2 (RFC 8018 §5.2) over the raw password bytes. Not the JDK's PBKDF2WithHmacSHA512:
     * that takes a char[] and re-encodes it, which would change a password that is not UTF-8.
     * One block suffices because the output length equals HMAC-SHA512's.
     */
    static byte[] pbkdf2Sha512(byte[] password, byte[] salt, int iterations) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            // HMAC pads its key with zero bytes, so an empty key equals {0}; SecretKeySpec
            // refuses an empty key.
            byte[] key = password.length == 0 ? new byte[1] : password;
            mac.init(new SecretKeySpec(key, "HmacSHA512"));
            mac.update(salt);
            mac.update(ByteBuffer.allocate(4).putInt(1).array());
            byte[] u = mac.doFinal();
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
            Arrays.fill(u, (byte) 0);
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA512 is missing from this JDK", e);
        }
    }
}

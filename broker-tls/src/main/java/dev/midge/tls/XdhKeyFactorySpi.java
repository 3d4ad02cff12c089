package dev.midge.tls;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyFactorySpi;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPublicKeySpec;

/**
 * BouncyCastle's XDH key factory, plus the one spec it lacks: JSSE builds the peer's X25519 key share
 * as an {@link XECPublicKeySpec} (curve name and u-coordinate), which is turned here into the
 * SubjectPublicKeyInfo BouncyCastle reads (RFC 8410: the OID, then u as little-endian bytes). Other
 * curves' shares (X448) go to SunEC, as their key pairs do ({@link XdhKeyPairGeneratorSpi}).
 */
final class XdhKeyFactorySpi extends KeyFactorySpi {

    private static final byte[] X25519_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};

    private final KeyFactory bouncyCastle;

    XdhKeyFactorySpi(Provider bouncyCastle) throws NoSuchAlgorithmException {
        this.bouncyCastle = KeyFactory.getInstance("XDH", bouncyCastle);
    }

    @Override
    protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
        if (spec instanceof XECPublicKeySpec xec && xec.getParams() instanceof NamedParameterSpec named) {
            return switch (named.getName().toUpperCase(java.util.Locale.ROOT)) {
                case "X25519" -> bouncyCastle.generatePublic(subjectPublicKeyInfo(X25519_PREFIX, xec.getU(), 32));
                default -> sunEc().generatePublic(spec);   // X448 stays the JDK's, as its key pairs
            };
        }
        return bouncyCastle.generatePublic(spec);
    }

    private static KeyFactory sunEc() throws InvalidKeySpecException {
        try {
            return KeyFactory.getInstance("XDH", "SunEC");
        } catch (java.security.GeneralSecurityException e) {
            throw new InvalidKeySpecException("no SunEC XDH key factory", e);
        }
    }

    private static X509EncodedKeySpec subjectPublicKeyInfo(byte[] prefix, BigInteger u, int length)
            throws InvalidKeySpecException {
        byte[] bigEndian = u.toByteArray();
        int start = bigEndian.length > length && bigEndian[0] == 0 ? 1 : 0;
        if (u.signum() < 0 || bigEndian.length - start > length) {
            throw new InvalidKeySpecException("u-coordinate out of range");
        }
        byte[] encoded = java.util.Arrays.copyOf(prefix, prefix.length + length);
        for (int i = start; i < bigEndian.length; i++) {
            encoded[prefix.length + (bigEndian.length - 1 - i)] = bigEndian[i];   // little-endian
        }
        return new X509EncodedKeySpec(encoded);
    }

    @Override
    protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
        return bouncyCastle.generatePrivate(spec);
    }

    @Override
    protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> spec) throws InvalidKeySpecException {
        return bouncyCastle.getKeySpec(key, spec);
    }

    @Override
    protected Key engineTranslateKey(Key key) throws InvalidKeyException {
        return bouncyCastle.translateKey(key);
    }
}

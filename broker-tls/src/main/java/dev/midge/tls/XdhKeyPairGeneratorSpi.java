package dev.midge.tls;

import java.security.InvalidAlgorithmParameterException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyPairGeneratorSpi;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.NamedParameterSpec;

/**
 * XDH key pairs: X25519 (what TLS clients offer first) from BouncyCastle, any other curve (X448)
 * from SunEC as before, so that only the path {@link BouncyCastleX25519} was built and tested for changes.
 */
final class XdhKeyPairGeneratorSpi extends KeyPairGeneratorSpi {

    private final Provider bouncyCastle;
    private KeyPairGenerator delegate;

    XdhKeyPairGeneratorSpi(Provider bouncyCastle) {
        this.bouncyCastle = bouncyCastle;
    }

    @Override
    public void initialize(AlgorithmParameterSpec params, SecureRandom random) throws InvalidAlgorithmParameterException {
        boolean x25519 = params instanceof NamedParameterSpec named && named.getName().equalsIgnoreCase("X25519");
        try {
            delegate = x25519 ? KeyPairGenerator.getInstance("XDH", bouncyCastle) : KeyPairGenerator.getInstance("XDH", "SunEC");
        } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
            throw new InvalidAlgorithmParameterException("no XDH key pair generator: " + e.getMessage(), e);
        }
        delegate.initialize(params, random);
    }

    @Override
    public void initialize(int keysize, SecureRandom random) {
        try {
            initialize(keysize == 255 ? NamedParameterSpec.X25519 : NamedParameterSpec.X448, random);
        } catch (InvalidAlgorithmParameterException e) {
            throw new java.security.InvalidParameterException(e.getMessage());
        }
    }

    @Override
    public KeyPair generateKeyPair() {
        if (delegate == null) {
            initialize(255, null);   // XDH's default curve, as SunEC's
        }
        return delegate.generateKeyPair();
    }
}

package dev.midge.tls;

import java.nio.ByteBuffer;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One ECDSA signature by BouncyCastle, for keys that may be the JDK's. BouncyCastle signs with
 * a JDK key too, but then rebuilds the curve's generator and its precomputed tables on every
 * call, which costs more than the signature; a BouncyCastle key shares the named curve's
 * tables. So keys are converted once (through their standard encodings) and the conversion
 * is kept as long as the JDK key lives: the server's key and the CA's are converted once.
 */
final class EcdsaSignatureSpi extends SignatureSpi {

    /** JDK key -> the same key as BouncyCastle's; weak, so a certificate's key can go. */
    private static final Map<Key, Key> CONVERTED = Collections.synchronizedMap(new WeakHashMap<>());

    private final Signature signature;
    private final Provider bouncyCastle;

    EcdsaSignatureSpi(String algorithm, Provider bouncyCastle) throws NoSuchAlgorithmException {
        this.signature = Signature.getInstance(algorithm, bouncyCastle);
        this.bouncyCastle = bouncyCastle;
    }

    @Override
    protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
        signature.initVerify((PublicKey) converted(key));
    }

    @Override
    protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
        signature.initSign((PrivateKey) converted(key));
    }

    @Override
    protected void engineInitSign(PrivateKey key, SecureRandom random) throws InvalidKeyException {
        signature.initSign((PrivateKey) converted(key), random);
    }

    private Key converted(Key key) throws InvalidKeyException {
        if (key.getClass().getName().startsWith("org.bouncycastle.")) {
            return key;
        }
        Key known = CONVERTED.get(key);
        if (known != null) {
            return known;
        }
        byte[] encoded = key.getEncoded();
        if (encoded == null || !"EC".equals(key.getAlgorithm())) {
            // A hardware key, say: refusing it here makes the JCA try the next provider.
            throw new InvalidKeyException("not an exportable EC key: " + key.getClass().getName());
        }
        try {
            KeyFactory factory = KeyFactory.getInstance("EC", bouncyCastle);
            Key converted = key instanceof PrivateKey
                    ? factory.generatePrivate(new PKCS8EncodedKeySpec(encoded))
                    : factory.generatePublic(new X509EncodedKeySpec(encoded));
            CONVERTED.put(key, converted);
            return converted;
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new InvalidKeyException("BouncyCastle cannot read this EC key: " + e.getMessage(), e);
        }
    }

    @Override
    protected void engineUpdate(byte b) throws SignatureException {
        signature.update(b);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
        signature.update(b, off, len);
    }

    @Override
    protected void engineUpdate(ByteBuffer input) {
        try {
            signature.update(input);
        } catch (SignatureException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
        return signature.sign();
    }

    @Override
    protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
        return signature.verify(sigBytes);
    }

    @Override
    protected void engineSetParameter(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
        signature.setParameter(params);
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {
        throw new InvalidParameterException("no parameters by name");
    }

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
        throw new InvalidParameterException("no parameters by name");
    }
}

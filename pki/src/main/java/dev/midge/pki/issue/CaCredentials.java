package dev.midge.pki.issue;

import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;

/**
 * A CA's certificate and the private key that signs with it.
 *
 * @param provider the JCA provider that holds the key (SunPKCS11 for a key in a token), or null
 *                 for a software key any installed provider can sign with
 */
public record CaCredentials(X509Certificate certificate, PrivateKey key, Provider provider) {

    public CaCredentials(X509Certificate certificate, PrivateKey key) {
        this(certificate, key, null);
    }

    /** BouncyCastle's signer for certificates and CRLs, computing each signature where the key is. */
    public ContentSigner signer(String algorithm) throws OperatorCreationException {
        JcaContentSignerBuilder builder = new JcaContentSignerBuilder(algorithm);
        if (provider != null) {
            builder.setProvider(provider);
        }
        return builder.build(key);
    }
}

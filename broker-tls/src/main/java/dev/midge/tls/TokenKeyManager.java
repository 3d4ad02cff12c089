package dev.midge.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * Offers the server certificate chain from certfile with a private key that stays in a PKCS#11
 * token. The JDK's KeyManagerFactory wants the key in a KeyStore it can copy from (Netty puts a
 * PEM key into a PKCS#12 store), which a token key refuses; this manager hands JSSE the token's
 * handle instead, and JSSE signs the handshake through SunPKCS11.
 */
final class TokenKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "token";

    private final PrivateKey key;
    private final X509Certificate[] chain;

    TokenKeyManager(PrivateKey key, X509Certificate[] chain) {
        this.key = key;
        this.chain = chain.clone();
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServerAlias(keyType, issuers, null);
    }

    /** keyType is "EC", "RSA" or "RSASSA-PSS" (TLS 1.3's name for an RSA key signing with PSS). */
    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        String algorithm = key.getAlgorithm();
        boolean fits = keyType.equals(algorithm) || (algorithm.equals("RSA") && keyType.equals("RSASSA-PSS"));
        return fits ? ALIAS : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = chooseServerAlias(keyType, issuers, null);
        return alias == null ? null : new String[]{alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}

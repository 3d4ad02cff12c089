package dev.midge.testing;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** What a JSSE client in a test or bench presents and trusts, built from certificates in memory. */
public final class JsseMaterial {

    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private JsseMaterial() {
    }

    /**
     * Presents {@code key} with {@code chain} (leaf first). A JKS store, never written anywhere:
     * PKCS12 would run 10,000 PBKDF2 rounds per key, twice, which dominates a soak's set-up.
     */
    public static KeyManagerFactory keyManagers(PrivateKey key, X509Certificate... chain) {
        try {
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(null, null);
            store.setKeyEntry("key", key, IN_MEMORY, chain);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, IN_MEMORY);
            return factory;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build key managers", e);
        }
    }

    /** Trusts exactly {@code anchors} (PKIX). */
    public static TrustManagerFactory trustManagers(X509Certificate... anchors) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < anchors.length; i++) {
                store.setCertificateEntry("ca" + i, anchors[i]);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build trust managers", e);
        }
    }
}

package dev.midge.pki.store;

import dev.midge.pki.PkiException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/** A CA's key and certificate in a passphrase-encrypted PKCS#12 file (0600). */
public final class CaKeyStore {

    private static final String ALIAS = "ca";

    private CaKeyStore() {
    }

    public static void save(Path file, PrivateKey key, X509Certificate certificate, char[] passphrase) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, passphrase, new Certificate[] {certificate});
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, passphrase);
            AtomicFiles.write(file, out.toByteArray(), true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the CA key as PKCS#12", e);
        }
    }

    public static PrivateKey loadKey(Path file, char[] passphrase) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(Files.readAllBytes(file)), passphrase);
            return (PrivateKey) store.getKey(ALIAS, passphrase);
        } catch (UnrecoverableKeyException e) {
            throw wrongPassphrase(file);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw wrongPassphrase(file);
            }
            throw new PkiException(file + ": cannot read the CA key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new PkiException(file + ": cannot read the CA key: " + e.getMessage(), e);
        }
    }

    private static PkiException wrongPassphrase(Path file) {
        return new PkiException(file + ": wrong CA passphrase (from " + Passphrase.ENVIRONMENT_VARIABLE
                + " or the passphrase file)");
    }
}

package dev.midge.conf.pkcs11;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A private key that stays in a PKCS#11 token, opened through the JDK's SunPKCS11 provider: the
 * {@link PrivateKey} is a handle, and every signature with it is computed by the token. The
 * provider is installed JVM-wide (at the end of the list) because JSSE and BouncyCastle's
 * JcaContentSignerBuilder find a signer for a key by asking each installed provider; only
 * SunPKCS11 accepts a token key, so nothing else changes.
 *
 * @param key         the token's key (not extractable: {@code getEncoded()} is null for a sensitive key)
 * @param certificate the certificate stored with it in the token (same CKA_ID)
 * @param provider    the SunPKCS11 instance for the token's slot
 */
public record TokenKey(PrivateKey key, X509Certificate certificate, Provider provider) {

    /** One provider per module and slot: a second SunPKCS11 instance on a slot would log in again. */
    private static final Map<String, Provider> PROVIDERS = new ConcurrentHashMap<>();

    /**
     * Opens the key a URI names. Blocking (loads a native library, logs in to the token): never on an
     * event loop.
     *
     * @param pinSha1 mosquitto's tls_engine_kpass_sha1 (hex), checked against the PIN; or null
     */
    public static TokenKey open(Pkcs11Uri uri, String pinSha1) throws TokenException {
        char[] pin = pin(uri);
        if (pinSha1 != null) {
            checkPinHash(pin, pinSha1, uri);
        }
        long slot = uri.slotId() != null ? uri.slotId() : TokenSlots.slotOf(uri.modulePath(), uri.token());
        Provider provider = provider(uri, slot);
        try {
            KeyStore store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, pin);
            if (!(store.getKey(uri.object(), null) instanceof PrivateKey key)) {
                throw new TokenException("no private key labelled '" + uri.object() + "' with its certificate (same "
                        + "CKA_ID) in the token: the JDK's PKCS#11 KeyStore only shows keys stored with their "
                        + "certificate; it has " + Collections.list(store.aliases()));
            }
            Certificate certificate = store.getCertificate(uri.object());
            return new TokenKey(key, (X509Certificate) certificate, provider);
        } catch (IOException e) {
            throw new TokenException("cannot log in to the token of " + uri + ": " + rootCause(e));
        } catch (GeneralSecurityException e) {
            throw new TokenException("cannot read the key " + uri + ": " + rootCause(e));
        } finally {
            if (pin != null) {
                java.util.Arrays.fill(pin, '\0');
            }
        }
    }

    private static Provider provider(Pkcs11Uri uri, long slot) throws TokenException {
        if (!Files.isReadable(uri.modulePath())) {
            throw new TokenException("the PKCS#11 module " + uri.modulePath() + " does not exist or cannot be read");
        }
        String id = uri.modulePath() + "#" + Long.toUnsignedString(slot);
        try {
            return PROVIDERS.computeIfAbsent(id, k -> {
                Provider base = Security.getProvider("SunPKCS11");
                if (base == null) {
                    throw new IllegalStateException("this JDK has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
                }
                Provider configured = base.configure("--name = Midge-" + PROVIDERS.size() + "\n"
                        + "library = \"" + uri.modulePath() + "\"\n"
                        + "slot = " + Long.toUnsignedString(slot) + "\n");
                Security.addProvider(configured);
                return configured;
            });
        } catch (RuntimeException e) {
            throw new TokenException("cannot open slot " + Long.toUnsignedString(slot) + " of " + uri.modulePath() + ": "
                    + rootCause(e));
        }
    }

    private static char[] pin(Pkcs11Uri uri) throws TokenException {
        if (uri.pinValue() != null) {
            return uri.pinValue().toCharArray();
        }
        if (uri.pinSource() == null) {
            return null;
        }
        try {
            String text = Files.readString(uri.pinSource(), StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            return (end < 0 ? text : text.substring(0, end)).strip().toCharArray();
        } catch (IOException e) {
            throw new TokenException("cannot read the PIN from " + uri.pinSource() + ": " + e.getMessage());
        }
    }

    /** mosquitto passes this hash to engines that log in with it; PKCS#11 needs the PIN, so Midge only checks it. */
    private static void checkPinHash(char[] pin, String pinSha1, Pkcs11Uri uri) throws TokenException {
        if (pin == null) {
            throw new TokenException("tls_engine_kpass_sha1 is a SHA-1 of the PIN, and PKCS#11 cannot log in with a hash: "
                    + "give the PIN with pin-source=file:PATH (or pin-value=) in the keyfile URI");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(new String(pin).getBytes(StandardCharsets.UTF_8));
            if (!HexFormat.of().formatHex(digest).equalsIgnoreCase(pinSha1)) {
                throw new TokenException("the PIN of " + uri + " does not match tls_engine_kpass_sha1");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }
}

package dev.midge.pki.issue;

import dev.midge.pki.PkiException;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;

/** Key generation for the CA, the server and devices. Slow for RSA: never on an event loop. */
public final class KeyPairs {

    private static final Map<String, String> JCA_CURVES = Map.of("P-256", "secp256r1", "P-384", "secp384r1",
            "P-521", "secp521r1");

    private KeyPairs() {
    }

    public static KeyPair ec(String curve) {
        String jcaName = JCA_CURVES.get(curve);
        if (jcaName == null) {
            throw new PkiException("unknown EC curve " + curve + " (known: P-256, P-384, P-521)");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(jcaName));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC " + curve + " key generation is unavailable", e);
        }
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new PkiException("cannot generate an RSA key of " + bits + " bits: " + e.getMessage(), e);
        }
    }

    /** "ec" (P-256) or "rsa" (bits, default 2048). */
    public static KeyPair generate(String type, int bits) {
        return switch (type.toLowerCase(java.util.Locale.ROOT)) {
            case "ec" -> ec(bits == 0 || bits == 256 ? "P-256" : "P-" + bits);
            case "rsa" -> rsa(bits == 0 ? 2048 : bits);
            default -> throw new PkiException("unknown key type " + type + " (use ec or rsa)");
        };
    }
}

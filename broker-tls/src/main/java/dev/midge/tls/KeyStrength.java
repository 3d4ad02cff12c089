package dev.midge.tls;

import dev.midge.conf.SecurityLevels;

import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Locale;

/**
 * Refuses server and CA keys and signatures below the listener's OpenSSL security level (default 2,
 * {@code @SECLEVEL=n} in {@code ciphers}), as OpenSSL does when mosquitto loads them ("ee key too
 * small", "ca md too weak"). Without this, the broker would start and every default client would
 * then fail its handshake with no word on the broker's side.
 */
final class KeyStrength {

    private KeyStrength() {
    }

    /**
     * @param chain   certfile's certificates, the server's first
     * @param trusted the CAs of cafile/capath, named by {@code trustedFrom}
     */
    static void check(int level, Path certfile, List<X509Certificate> chain, Path trustedFrom,
                      List<X509Certificate> trusted) throws TlsFileException {
        if (level == 0) {
            return;
        }
        for (int i = 0; i < chain.size(); i++) {
            check(level, certfile, chain.get(i), i == 0 ? "the server certificate" : "the CA certificate "
                    + CertificateUsername.subject(chain.get(i)));
        }
        for (X509Certificate ca : trusted) {
            check(level, trustedFrom, ca, "the CA certificate " + CertificateUsername.subject(ca));
        }
    }

    private static void check(int level, Path file, X509Certificate certificate, String what)
            throws TlsFileException {
        int needed = SecurityLevels.minimumBits(level);
        PublicKey key = certificate.getPublicKey();
        if (securityBits(key) < needed) {
            throw new TlsFileException(file, what + " has " + describe(key) + ", below OpenSSL security level "
                    + level + " (which needs RSA of " + SecurityLevels.minimumRsaBits(level) + " bits or EC of "
                    + SecurityLevels.minimumEcBits(level) + "; mosquitto says \"key too small\"): issue it a "
                    + "stronger key, or for a lab lower the level with ciphers DEFAULT:@SECLEVEL=" + (level - 1));
        }
        // A self-signed certificate's own signature is not checked: nothing relies on it (as in OpenSSL).
        if (!selfSigned(certificate) && signatureBits(certificate.getSigAlgName()) < needed) {
            throw new TlsFileException(file, what + " is signed with " + certificate.getSigAlgName()
                    + ", which OpenSSL security level " + level + " refuses (mosquitto says \"md too weak\"): "
                    + "have it re-signed with SHA-256, or for a lab use ciphers DEFAULT:@SECLEVEL=0");
        }
    }

    private static boolean selfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    /** OpenSSL's security bits of a public key (EVP_PKEY_get_security_bits). */
    static int securityBits(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return SecurityLevels.rsaSecurityBits(rsa.getModulus().bitLength());
        }
        if (key instanceof DSAPublicKey dsa) {
            return SecurityLevels.rsaSecurityBits(dsa.getParams().getP().bitLength());
        }
        if (key instanceof ECPublicKey ec) {
            int order = ec.getParams().getOrder().bitLength();
            return order >= 512 ? 256 : order >= 384 ? 192 : order >= 256 ? 128 : order >= 224 ? 112
                    : order >= 160 ? 80 : 0;
        }
        return switch (key.getAlgorithm()) {
            case "Ed25519", "X25519" -> 128;
            case "Ed448", "X448" -> 224;
            case "EdDSA" -> 128;
            default -> Integer.MAX_VALUE; // unknown to us: not refused on a guess
        };
    }

    private static String describe(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return "an RSA key of " + rsa.getModulus().bitLength() + " bits";
        }
        if (key instanceof DSAPublicKey dsa) {
            return "a DSA key of " + dsa.getParams().getP().bitLength() + " bits";
        }
        if (key instanceof ECPublicKey ec) {
            return "an EC key of " + ec.getParams().getOrder().bitLength() + " bits";
        }
        return "a " + key.getAlgorithm() + " key";
    }

    /** What OpenSSL 3 counts a signature's digest as (X509_get_signature_info): SHA-1 63 bits, MD5 39. */
    static int signatureBits(String algorithm) {
        String name = algorithm.toUpperCase(Locale.ROOT).replace("-", "");
        if (name.contains("MD5") || name.contains("MD2")) {
            return 39;
        }
        if (name.startsWith("SHA1")) {
            return 63;
        }
        if (name.startsWith("SHA224")) {
            return 112;
        }
        if (name.startsWith("SHA384")) {
            return 192;
        }
        if (name.startsWith("SHA512")) {
            return 256;
        }
        return 128; // SHA-256, RSASSA-PSS, Ed25519: at least what level 3 asks
    }
}

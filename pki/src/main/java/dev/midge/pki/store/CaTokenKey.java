package dev.midge.pki.store;

import dev.midge.conf.pkcs11.Pkcs11Uri;
import dev.midge.conf.pkcs11.TokenException;
import dev.midge.conf.pkcs11.TokenKey;
import dev.midge.pki.PkiException;
import dev.midge.pki.issue.CaCredentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * A CA key kept in a PKCS#11 token (an HSM): the data directory stores only the key's RFC 7512
 * URI, in a 0600 file (it may carry a pin-value), and every certificate and CRL is signed by the
 * token through SunPKCS11. The key must be in the token with the CA's certificate (same CKA_ID).
 */
public final class CaTokenKey {

    private CaTokenKey() {
    }

    /** The CA's signing credentials from the token the URI in {@code uriFile} names. */
    public static CaCredentials load(Path uriFile, X509Certificate certificate) {
        String text;
        try {
            text = Files.readString(uriFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new PkiException(uriFile + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return open(Pkcs11Uri.parse(text), certificate);
        } catch (IllegalArgumentException e) {
            throw new PkiException(uriFile + ": " + e.getMessage());
        }
    }

    /** Checks the token's key signs for {@code certificate}, then records its URI in {@code uriFile}. */
    public static CaCredentials save(Path uriFile, String uri, X509Certificate certificate) throws IOException {
        Pkcs11Uri parsed;
        try {
            parsed = Pkcs11Uri.parse(uri);
        } catch (IllegalArgumentException e) {
            throw new PkiException(e.getMessage());
        }
        CaCredentials credentials = open(parsed, certificate);
        AtomicFiles.writeString(uriFile, uri + "\n", true);
        return credentials;
    }

    private static CaCredentials open(Pkcs11Uri uri, X509Certificate certificate) {
        TokenKey token;
        try {
            token = TokenKey.open(uri, null);
        } catch (TokenException e) {
            throw new PkiException("the CA key " + uri + ": " + e.getMessage());
        }
        CaCredentials credentials = new CaCredentials(certificate, token.key(), token.provider());
        if (!signsFor(credentials)) {
            throw new PkiException("the key " + uri + " in the token does not belong to the CA certificate "
                    + certificate.getSubjectX500Principal().getName());
        }
        return credentials;
    }

    /** A probe signed in the token and verified with the certificate: the key is this CA's. */
    private static boolean signsFor(CaCredentials ca) {
        String algorithm = ca.key().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA384withECDSA";
        byte[] probe = "midge CA key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm, ca.provider());
            signer.initSign(ca.key());
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(ca.certificate().getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}

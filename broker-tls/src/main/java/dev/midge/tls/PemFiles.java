package dev.midge.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads certificates, private keys and CRLs from PEM files. BouncyCastle only parses here; it
 * is never registered as a provider, so TLS itself stays on the JDK's SunJSSE.
 * Every failure is a {@link TlsFileException} naming the file and the cause.
 */
public final class PemFiles {

    private PemFiles() {
    }

    /** Every certificate in the file, in order (a chain is leaf first). At least one. */
    public static List<X509Certificate> certificates(Path file) throws TlsFileException {
        List<X509Certificate> result = new ArrayList<>();
        for (Object object : objects(file)) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    result.add(new JcaX509CertificateConverter().getCertificate(holder));
                } catch (Exception e) {
                    throw new TlsFileException(file, "a certificate in it cannot be decoded: " + e.getMessage());
                }
            }
        }
        if (result.isEmpty()) {
            throw new TlsFileException(file, "it contains no PEM certificate (BEGIN CERTIFICATE)");
        }
        return result;
    }

    /** The one private key in the file: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), unencrypted. */
    public static PrivateKey privateKey(Path file) throws TlsFileException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object object : objects(file)) {
            try {
                if (object instanceof PEMKeyPair pair) {            // PKCS#1 or SEC1
                    // Only the private part: SEC1's public key is optional, and some tools omit it.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (object instanceof PrivateKeyInfo info) {        // PKCS#8
                    return converter.getPrivateKey(info);
                }
            } catch (IOException e) {
                throw new TlsFileException(file, "the private key cannot be decoded: " + e.getMessage());
            }
            if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new TlsFileException(file, "the private key is encrypted; Midge needs an unencrypted key");
            }
        }
        throw new TlsFileException(file, "it contains no PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    /** Every CRL in the file. At least one. */
    public static List<X509CRL> crls(Path file) throws TlsFileException {
        List<X509CRL> result = new ArrayList<>();
        for (Object object : objects(file)) {
            if (object instanceof X509CRLHolder holder) {
                try {
                    result.add(new JcaX509CRLConverter().getCRL(holder));
                } catch (Exception e) {
                    throw new TlsFileException(file, "a CRL in it cannot be decoded: " + e.getMessage());
                }
            }
        }
        if (result.isEmpty()) {
            throw new TlsFileException(file, "it contains no PEM CRL (BEGIN X509 CRL)");
        }
        return result;
    }

    private static List<Object> objects(Path file) throws TlsFileException {
        List<Object> result = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                result.add(object);
            }
        } catch (NoSuchFileException e) {
            throw new TlsFileException(file, "no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new TlsFileException(file, "permission denied");
        } catch (IOException | RuntimeException e) {
            // PEMParser throws IOException for a damaged block, and RuntimeExceptions from the
            // ASN.1 layer for garbage inside a well-formed one: both are a bad file, not a bug.
            throw new TlsFileException(file, "not valid PEM: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        return result;
    }
}

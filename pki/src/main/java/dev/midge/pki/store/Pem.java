package dev.midge.pki.store;

import dev.midge.pki.PkiException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** PEM encoding of certificates, CRLs, requests and PKCS#8 private keys, as openssl writes them. */
public final class Pem {

    private Pem() {
    }

    public static String encode(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing PEM to memory failed", e);
        }
        return text.toString();
    }

    /** PKCS#8 ("BEGIN PRIVATE KEY"), which openssl, mosquitto and Netty all read. */
    public static String encodePrivateKey(PrivateKey key) {
        try {
            // A bare PrivateKeyInfo would be written as "EC/RSA PRIVATE KEY" (traditional format).
            return encode(new JcaPKCS8Generator(key, null).generate());
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot encode the private key as PKCS#8", e);
        }
    }

    public static List<X509Certificate> readCertificates(Path file) {
        List<X509Certificate> result = new ArrayList<>();
        for (Object o : readObjects(file)) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    result.add(new JcaX509CertificateConverter().getCertificate(holder));
                } catch (GeneralSecurityException e) {
                    throw new PkiException(file + ": unreadable certificate: " + e.getMessage(), e);
                }
            }
        }
        if (result.isEmpty()) {
            throw new PkiException(file + ": no PEM certificate in it");
        }
        return result;
    }

    public static List<X509CRL> readCrls(Path file) {
        List<X509CRL> result = new ArrayList<>();
        for (Object o : readObjects(file)) {
            if (o instanceof X509CRLHolder holder) {
                try {
                    result.add(new JcaX509CRLConverter().getCRL(holder));
                } catch (GeneralSecurityException e) {
                    throw new PkiException(file + ": unreadable CRL: " + e.getMessage(), e);
                }
            }
        }
        if (result.isEmpty()) {
            throw new PkiException(file + ": no PEM CRL in it");
        }
        return result;
    }

    public static PKCS10CertificationRequest readCertificationRequest(Path file) {
        for (Object o : readObjects(file)) {
            if (o instanceof PKCS10CertificationRequest csr) {
                return csr;
            }
        }
        throw new PkiException(file + ": no PEM certificate request (BEGIN CERTIFICATE REQUEST) in it");
    }

    public static PrivateKey readPrivateKey(Path file) {
        for (Object o : readObjects(file)) {
            try {
                if (o instanceof PrivateKeyInfo info) {
                    return new JcaPEMKeyConverter().getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return new JcaPEMKeyConverter().getKeyPair(pair).getPrivate();
                }
            } catch (IOException e) {
                throw new PkiException(file + ": unreadable private key: " + e.getMessage(), e);
            }
        }
        throw new PkiException(file + ": no unencrypted PEM private key in it");
    }

    public static List<Object> parse(String pem) {
        return parse(new StringReader(pem), "PEM text");
    }

    private static List<Object> readObjects(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new PkiException(file + ": no such file");
        } catch (IOException e) {
            throw new PkiException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(new StringReader(text), file.toString());
    }

    private static List<Object> parse(Reader reader, String source) {
        List<Object> result = new ArrayList<>();
        try (PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                result.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new PkiException(source + ": not valid PEM: " + e.getMessage(), e);
        }
        return result;
    }
}

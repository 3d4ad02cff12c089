package dev.midge.pki.enrollment;

import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PKCS#7 "certs-only" (a degenerate CMS SignedData), how EST (RFC 7030 4.1.3, 4.2.3) returns certificates. */
public final class CertsOnly {

    private CertsOnly() {
    }

    /** Base64 of the DER, with line breaks as RFC 7030 shows it. */
    public static String encode(List<X509Certificate> certificates) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addCertificates(new JcaCertStore(certificates));
            byte[] der = generator.generate(new CMSAbsentContent()).getEncoded();
            return Base64.getMimeEncoder(64, "\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .encodeToString(der) + "\r\n";
        } catch (GeneralSecurityException | CMSException | IOException e) {
            throw new IllegalStateException("cannot encode a PKCS#7 certs-only structure", e);
        }
    }

    public static List<X509Certificate> decode(String base64) throws IOException {
        try {
            CMSSignedData data = new CMSSignedData(Base64.getMimeDecoder().decode(base64.strip()));
            List<X509Certificate> result = new ArrayList<>();
            for (X509CertificateHolder holder : data.getCertificates().getMatches(null)) {
                result.add(new JcaX509CertificateConverter().getCertificate(holder));
            }
            return result;
        } catch (CMSException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("not a base64 PKCS#7 certs-only response: " + e.getMessage(), e);
        }
    }
}

package dev.midge.testing;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate {@link TestPki} issued, with its key, both as real PEM files.
 *
 * @param name        the CN it was issued to
 * @param certificate the certificate itself
 * @param privateKey  its private key
 * @param certFile    the certificate as PEM (leaf only)
 * @param chainFile   the leaf followed by any intermediate, as a server's certfile wants
 * @param keyFile     the private key as PEM, in the encoding it was asked for
 */
public record IssuedCertificate(String name, X509Certificate certificate, PrivateKey privateKey,
                                Path certFile, Path chainFile, Path keyFile) {

    public BigInteger serial() {
        return certificate.getSerialNumber();
    }

    /** The subject as RFC 2253 ("CN=dev1,O=Midge Test"). */
    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }
}

package dev.midge.cluster;

import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.openssl.PEMParser;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A security file whose contents every node must agree on, while each node keeps its own path:
 * a CRL (the newest is the one with the highest CRL number) or the ACL (which carries no version
 * of its own, so the cluster gives each change one: the newest change wins).
 *
 * @param key  its name in the replicated cache: the same on every node for the same content
 * @param path this node's file
 * @param kind how versions are told apart
 */
record SharedFile(String key, Path path, Kind kind) {

    enum Kind { CRL, ACL }

    static SharedFile crl(Path path) {
        return new SharedFile("crl", path, Kind.CRL);
    }

    static SharedFile acl(Path path) {
        return new SharedFile("acl", path, Kind.ACL);
    }

    /** A CRL's number (RFC 5280 §5.2.3); -1 if the file holds no readable CRL or it has none. */
    static long crlNumber(byte[] file) {
        try {
            X509CRLHolder crl;
            String text = new String(file, StandardCharsets.US_ASCII);
            if (text.contains("-----BEGIN X509 CRL-----")) {
                try (PEMParser parser = new PEMParser(new StringReader(text))) {
                    Object o = parser.readObject();
                    if (!(o instanceof X509CRLHolder holder)) {
                        return -1;
                    }
                    crl = holder;
                }
            } else {
                crl = new X509CRLHolder(file);
            }
            Extension number = crl.getExtension(Extension.cRLNumber);
            if (number == null) {
                return -1;
            }
            BigInteger n = CRLNumber.getInstance(number.getParsedValue()).getCRLNumber();
            return n.bitLength() < 63 ? n.longValue() : Long.MAX_VALUE;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}

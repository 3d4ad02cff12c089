package dev.midge.pki.enrollment;

import dev.midge.pki.PkiException;
import dev.midge.pki.store.Pem;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.io.IOException;
import java.util.Base64;

/**
 * Reads the PKCS#10 requests devices send. Whatever cannot be read is an IOException, which
 * the endpoints answer with 400: BouncyCastle's ASN.1 layer reports malformed DER with assorted
 * unchecked exceptions (IllegalStateException, IllegalArgumentException, ...), and a request
 * body is untrusted input, not a bug.
 */
final class CertificationRequests {

    private CertificationRequests() {
    }

    /** A DER request, as EST posts it (after base64). */
    static PKCS10CertificationRequest fromDer(byte[] der) throws IOException {
        try {
            return new PKCS10CertificationRequest(der);
        } catch (RuntimeException e) {
            throw new IOException("not a DER PKCS#10 request: " + e.getMessage(), e);
        }
    }

    /** Base64 DER or PEM, with the JSON string escapes EJBCA-style clients leave in it. */
    static PKCS10CertificationRequest fromText(String text) throws IOException {
        String unescaped = text.replace("\\n", "\n").replace("\\r", "").replace("\\/", "/");
        if (unescaped.contains("-----BEGIN")) {
            try {
                for (Object o : Pem.parse(unescaped)) {
                    if (o instanceof PKCS10CertificationRequest csr) {
                        return csr;
                    }
                }
            } catch (PkiException e) {
                throw new IOException(e.getMessage(), e);
            }
            throw new IOException("no CSR in PEM");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(unescaped.strip());
        } catch (IllegalArgumentException e) {
            throw new IOException("not base64: " + e.getMessage(), e);
        }
        return fromDer(der);
    }
}

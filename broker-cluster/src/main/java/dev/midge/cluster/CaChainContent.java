package dev.midge.cluster;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/**
 * What a CA file may hold to travel between nodes: PEM certificates and nothing else. A private
 * key pasted into a cafile by mistake must not be copied to every node, and a file that does not
 * parse must not replace a working trust store anywhere.
 */
final class CaChainContent {

    private CaChainContent() {
    }

    /** Null when the file is one or more PEM certificates; else why it is not shared. */
    static String refusal(byte[] content) {
        String text = new String(content, StandardCharsets.US_ASCII);
        int certificates = 0;
        try (PemReader reader = new PemReader(new StringReader(text))) {
            for (PemObject pem = reader.readPemObject(); pem != null; pem = reader.readPemObject()) {
                if (!pem.getType().equals("CERTIFICATE")) {
                    return "it holds a " + pem.getType() + " block; only certificates are shared";
                }
                new X509CertificateHolder(pem.getContent());
                certificates++;
            }
        } catch (IOException | RuntimeException e) {
            return "it does not parse as PEM certificates (" + e.getMessage() + ")";
        }
        if (text.contains("PRIVATE KEY")) {
            return "it holds a private key; only certificates are shared";
        }
        return certificates == 0 ? "it holds no PEM certificate" : null;
    }
}

package dev.midge.pki.issue;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A CA's certificate and the private key that signs with it. */
public record CaCredentials(X509Certificate certificate, PrivateKey key) {
}

package dev.midge.pki;

import dev.midge.pki.index.IndexEntry;

import java.security.cert.X509Certificate;

/** A certificate just issued, with its line in the index. */
public record IssuedCertificate(X509Certificate certificate, IndexEntry entry) {
}

package dev.midge.pki.crl;

import dev.midge.pki.PkiException;
import dev.midge.pki.index.IndexEntry;
import dev.midge.pki.store.Pem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Whether the CRL file lists every revocation in the index. A revoke writes the index first and
 * the CRL second (the index is the record; the CRL is derived from it), so a process killed
 * between the two leaves a certificate revoked in the index but still accepted by the broker.
 * This check needs no CA key: the broker runs it at every start and re-issues the CRL only when
 * it finds a gap.
 */
public final class CrlCoverage {

    private CrlCoverage() {
    }

    /**
     * @return why the CRL must be re-issued from the index (the serials it lacks, or that it is
     *         missing or unreadable), or null if it lists every revoked certificate
     */
    public static String gap(Path crlFile, X509Certificate issuingCa, List<IndexEntry> index) {
        if (!Files.exists(crlFile)) {
            return "there is no CRL";
        }
        X509CRL issuingCrl;
        try {
            issuingCrl = Pem.readCrls(crlFile).stream()
                    .filter(crl -> crl.getIssuerX500Principal().equals(issuingCa.getSubjectX500Principal()))
                    .findFirst().orElse(null);
        } catch (PkiException e) {
            return "the CRL is unreadable: " + e.getMessage();
        }
        if (issuingCrl == null) {
            return "the CRL file holds no CRL of the issuing CA";
        }
        List<String> missing = index.stream()
                .filter(e -> e.revokedAt() != null && issuingCrl.getRevokedCertificate(e.serial()) == null)
                .map(IndexEntry::serialHex).toList();
        return missing.isEmpty() ? null
                : "it does not list " + missing.size() + " certificate(s) the index says are revoked: "
                + String.join(", ", missing);
    }
}

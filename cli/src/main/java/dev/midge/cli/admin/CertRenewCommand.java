package dev.midge.cli.admin;

import dev.midge.pki.CertificateAuthority;
import dev.midge.pki.DataDirectory;
import dev.midge.pki.IssuedCertificate;
import dev.midge.pki.crl.RevocationReason;
import dev.midge.pki.index.IndexEntry;
import dev.midge.pki.profile.CertificateProfile;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

/** {@code cert renew SERIAL|ID}: the same key, name and SANs, a new validity period. */
@Command(name = "renew", mixinStandardHelpOptions = true,
        description = {"Issue a new certificate for the same key, subject and SANs as an existing one.",
                "Writes OUTDIR/ID.crt and OUTDIR/ca.crt; the device keeps its key."})
final class CertRenewCommand extends DataDirectoryCommand {

    @Parameters(index = "0", paramLabel = "SERIAL|ID")
    String which;

    @Option(names = "--out", paramLabel = "OUTDIR", required = true, description = "where to write ID.crt and ca.crt")
    Path out;

    @Option(names = "--days", paramLabel = "N", description = "validity in days (at most the profile's)")
    Integer days;

    @Option(names = "--revoke-old", description = "revoke the old certificate (reason superseded)")
    boolean revokeOld;

    @Override
    int run() throws IOException {
        DataDirectory data = location.resolve().data();
        IndexEntry old = CertificateLookup.find(data, which);
        if (old.revokedAt() != null) {
            throw new AdminException("certificate " + SerialNumber.format(old.serial()) + " is revoked; issue a new one with device add");
        }
        X509Certificate oldCertificate = data.certificate(old.serial());
        CertificateProfile profile = data.profile(old.profile());
        if (days != null) {
            profile = profile.withValidityDays(days);
        }
        CertificateAuthority ca = data.authority();
        IssuedCertificate renewed = ca.issue(old.commonName(),
                SubjectPublicKeyInfo.getInstance(oldCertificate.getPublicKey().getEncoded()), sans(oldCertificate), profile);
        OutputFiles files = new OutputFiles(out);
        files.certificate(old.commonName(), renewed.certificate());
        files.caChain(data);
        out().println("Renewed " + SerialNumber.format(old.serial()) + " as " + SerialNumber.format(renewed.entry().serial()) + " for " + old.commonName()
                + " (valid until " + renewed.entry().notAfter() + "); wrote " + files.written().get(0));
        if (revokeOld) {
            ca.revoke(old.serial(), RevocationReason.superseded);
            out().println("Revoked " + SerialNumber.format(old.serial()) + " (superseded) and wrote the CRL " + data.crlFile());
        }
        return 0;
    }

    private static GeneralNames sans(X509Certificate certificate) {
        try {
            return GeneralNames.fromExtensions(new JcaX509CertificateHolder(certificate).getExtensions(),
                    Extension.subjectAlternativeName);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a stored certificate cannot be re-encoded", e);
        }
    }
}

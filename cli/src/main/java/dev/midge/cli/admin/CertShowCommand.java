package dev.midge.cli.admin;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.index.IndexEntry;
import dev.midge.pki.profile.KeyType;
import dev.midge.pki.store.Pem;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** {@code cert show SERIAL|ID}: one certificate in words (and PEM on request). */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show a certificate by serial, or the latest certificate of a device ID.")
final class CertShowCommand extends DataDirectoryCommand {

    @Parameters(index = "0", paramLabel = "SERIAL|ID")
    String which;

    @Option(names = "--pem", description = "also print the certificate in PEM")
    boolean pem;

    @Override
    int run() throws IOException {
        DataDirectory data = location.resolve().data();
        IndexEntry entry = CertificateLookup.find(data, which);
        X509Certificate c = data.certificate(entry.serial());
        Instant now = Instant.now();
        String status = switch (entry.status(now)) {
            case VALID -> "valid";
            case EXPIRED -> "expired";
            case REVOKED -> "revoked at " + entry.revokedAt() + " (" + entry.reason() + ")";
        };
        out().println("Serial:     " + SerialNumber.format(entry.serial()));
        out().println("Subject:    " + entry.subject());
        out().println("Issuer:     " + c.getIssuerX500Principal().getName());
        out().println("Status:     " + status);
        out().println("Not before: " + c.getNotBefore().toInstant());
        out().println("Not after:  " + c.getNotAfter().toInstant());
        out().println("Profile:    " + entry.profile());
        out().println("Key:        " + KeyType.of(SubjectPublicKeyInfo.getInstance(c.getPublicKey().getEncoded())));
        out().println("SANs:       " + sans(c));
        out().println("SHA-256:    " + CaShowCommand.fingerprint(c));
        if (pem) {
            out().print(Pem.encode(c));
        }
        return 0;
    }

    private static String sans(X509Certificate c) {
        try {
            var names = c.getSubjectAlternativeNames();
            if (names == null) {
                return "none";
            }
            return names.stream().map((List<?> n) -> String.valueOf(n.get(1))).collect(Collectors.joining(", "));
        } catch (CertificateParsingException e) {
            return "unreadable";
        }
    }
}

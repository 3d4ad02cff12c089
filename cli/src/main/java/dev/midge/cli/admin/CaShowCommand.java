package dev.midge.cli.admin;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.store.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** {@code ca show}: subject, validity and fingerprint of the root and issuing CA. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show the root and issuing CA (subject, validity, SHA-256 fingerprint).")
final class CaShowCommand extends DataDirectoryCommand {

    @Option(names = "--pem", description = "print the chain (issuing CA, root) in PEM instead")
    boolean pem;

    @Override
    int run() throws IOException {
        DataDirectory data = location.resolve().data();
        X509Certificate root = data.rootCaCertificate();
        X509Certificate issuing = data.issuingCaCertificate();
        if (pem) {
            out().print(Pem.encode(issuing, root));
            return 0;
        }
        describe("Root CA", root);
        describe("Issuing CA", issuing);
        out().println("Chain file (clients' --cafile): " + data.caChain());
        out().println("CRL file:                      " + data.crlFile());
        return 0;
    }

    private void describe(String what, X509Certificate c) {
        out().println(what + ":");
        out().println("  Subject:    " + c.getSubjectX500Principal().getName());
        out().println("  Serial:     " + SerialNumber.format(c.getSerialNumber()));
        out().println("  Not before: " + c.getNotBefore().toInstant());
        out().println("  Not after:  " + c.getNotAfter().toInstant());
        out().println("  Key:        " + c.getPublicKey().getAlgorithm() + ", signed with " + c.getSigAlgName());
        out().println("  SHA-256:    " + fingerprint(c));
    }

    static String fingerprint(X509Certificate c) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }
}

package dev.midge.cli.admin;

import dev.midge.pki.DataDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;

/**
 * {@code ca use-token --ca-key pkcs11:...}: the issuing CA signs from now on with its key in a
 * PKCS#11 token (an HSM), and its software copy is deleted.
 */
@Command(name = "use-token", mixinStandardHelpOptions = true,
        description = {"Sign with the issuing CA key in a PKCS#11 token (HSM) from now on.",
                "Put the issuing CA key into the token first, with its certificate (issuing-ca.crt) under the same "
                        + "CKA_ID and label. Midge checks that the token's key signs for issuing-ca.crt, records the "
                        + "URI in private/issuing-ca.pkcs11 and deletes private/issuing-ca.p12."})
final class CaUseTokenCommand extends DataDirectoryCommand {

    @Option(names = "--ca-key", required = true, paramLabel = "PKCS11_URI",
            description = "RFC 7512 URI of the key: pkcs11:token=LABEL;object=LABEL?module-path=LIB&pin-source=file:PATH")
    String uri;

    @Override
    int run() throws IOException {
        DataDirectory data = location.resolve().data();
        data.moveIssuingKeyToToken(uri);
        out().println("The issuing CA (" + data.issuingCaCertificate().getSubjectX500Principal().getName()
                + ") now signs in the token; its key file private/issuing-ca.p12 is deleted.");
        out().println("Every process that signs (device add, revoke, the running broker's CRL renewal and enrollment) "
                + "needs the token's PKCS#11 module and PIN.");
        return 0;
    }
}

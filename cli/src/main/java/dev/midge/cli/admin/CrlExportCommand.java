package dev.midge.cli.admin;

import picocli.CommandLine.Command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code crl export}: the current CRL file in PEM on stdout. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Print the current CRLs (issuing CA, then root) in PEM on stdout.")
final class CrlExportCommand extends DataDirectoryCommand {

    @Override
    int run() throws IOException {
        Path crl = location.resolve().data().crlFile();
        if (!Files.exists(crl)) {
            throw new AdminException(crl + ": no CRL yet (run crl update)");
        }
        out().print(Files.readString(crl, StandardCharsets.US_ASCII));
        return 0;
    }
}

package dev.midge.cli.admin;

import picocli.CommandLine.Command;

/** {@code crl export|update}: the certificate revocation list the broker enforces. */
@Command(name = "crl", mixinStandardHelpOptions = true, description = "Export or re-issue the CRL.",
        subcommands = {CrlExportCommand.class, CrlUpdateCommand.class})
public final class CrlCommand {
}

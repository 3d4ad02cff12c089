package dev.midge.cli.admin;

import picocli.CommandLine.Command;

/** {@code cert list|show|renew}: every certificate the CA issued. */
@Command(name = "cert", mixinStandardHelpOptions = true,
        description = "List, show and renew issued certificates.",
        subcommands = {CertListCommand.class, CertShowCommand.class, CertRenewCommand.class})
public final class CertCommand {
}

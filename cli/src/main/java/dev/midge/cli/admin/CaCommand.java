package dev.midge.cli.admin;

import picocli.CommandLine.Command;

/** {@code ca show}: the root and issuing CA; {@code ca use-token}: its issuing key in an HSM. */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "Show the certificate authority, or move its issuing key into a PKCS#11 token.",
        subcommands = {CaShowCommand.class, CaUseTokenCommand.class})
public final class CaCommand {
}

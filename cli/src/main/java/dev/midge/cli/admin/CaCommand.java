package dev.midge.cli.admin;

import picocli.CommandLine.Command;

/** {@code ca show}: the root and issuing CA. */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "Show the certificate authority.",
        subcommands = {CaShowCommand.class})
public final class CaCommand {
}

package dev.midge.cli.admin;

import picocli.CommandLine.Command;

/** {@code device add|revoke|remove|list}: the devices the CA knows and what they may do. */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Add, revoke, remove and list devices (certificate + ACL entries).",
        subcommands = {DeviceAddCommand.class, DeviceRevokeCommand.class, DeviceRemoveCommand.class,
                DeviceListCommand.class})
public final class DeviceCommand {
}

package dev.midge.cli.admin;

import picocli.CommandLine.Mixin;

/** An admin command that works on a data directory (--data DIR or -c CONF). */
abstract class DataDirectoryCommand extends AdminCommand {

    @Mixin
    DataDirectoryOptions location;
}

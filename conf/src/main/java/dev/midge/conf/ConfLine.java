package dev.midge.conf;

/**
 * One option line of a configuration file: the option name and the rest of the line with
 * surrounding blanks removed ("" when the option has no value).
 */
record ConfLine(ConfigLocation at, String option, String value) {

    ConfigException error(String reason) {
        return new ConfigException(at, reason);
    }

    ConfigWarning warning(String message) {
        return new ConfigWarning(at, message);
    }
}

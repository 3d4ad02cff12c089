package dev.midge.conf;

import java.nio.file.Path;
import java.util.Map;

/**
 * One {@code plugin} (or {@code auth_plugin}) line and the {@code plugin_opt_*} /
 * {@code auth_opt_*} lines after it: a Java plugin jar, which the CLI loads.
 *
 * @param jar              the jar's path, as written (relative to the working directory)
 * @param options          the plugin's options, keyed by the name after {@code plugin_opt_}/{@code auth_opt_},
 *                         in file order
 * @param denySpecialChars {@code auth_plugin_deny_special_chars} (default true, as mosquitto): a client
 *                         whose username or client id contains '+' or '#' is refused before the plugin
 *                         sees it, so a plugin building topic patterns from them cannot be tricked
 * @param at               the plugin line
 */
public record PluginConfig(Path jar, Map<String, String> options, boolean denySpecialChars, ConfigLocation at) {

    public PluginConfig {
        options = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options));
    }
}

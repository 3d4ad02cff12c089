package dev.midge.conf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Plugin blocks, clientid_prefixes and check_retain_source while they are read. */
final class AccessDraft {

    static final Set<String> PLUGIN_LINES = Set.of("plugin", "auth_plugin", "global_plugin");

    private final List<PluginConfig> plugins = new ArrayList<>();
    /** The plugin block being read: its options go to it. */
    private PluginDraft current;
    private final Setting<String> clientIdPrefixes = new Setting<>();
    /** mosquitto's default is true. */
    private boolean checkRetainSource = true;

    private static final class PluginDraft {
        final Path jar;
        final ConfigLocation at;
        final Map<String, String> options = new LinkedHashMap<>();
        boolean denySpecialChars = true;

        PluginDraft(Path jar, ConfigLocation at) {
            this.jar = jar;
            this.at = at;
        }
    }

    /**
     * A {@code plugin PATH} line. Midge plugins are jars; a mosquitto C plugin (a .so or .dll) is
     * named as such, since its access control would otherwise be missing.
     *
     * @param perListenerSettings mosquitto then scopes the plugin to the current listener, which Midge does not
     */
    void plugin(ConfLine line, boolean perListenerSettings) {
        Path jar = Values.path(line);
        String name = jar.getFileName() == null ? "" : jar.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".jar")) {
            throw line.error(OptionTable.refusal(line.option(), "'" + jar + "' is not a jar: Midge cannot load "
                    + "mosquitto's C plugins, so the authentication and access control this plugin provides would be "
                    + "missing; Midge loads Java plugins (a .jar implementing dev.midge.broker.security.AuthPlugin, "
                    + "see the README)"));
        }
        if (perListenerSettings) {
            throw line.error(OptionTable.refusal(line.option(), "with per_listener_settings true mosquitto applies a "
                    + "plugin to one listener, and Midge's plugins apply to every listener; set "
                    + "per_listener_settings false to use it broker-wide"));
        }
        finish();
        current = new PluginDraft(jar, line.at());
    }

    /** {@code plugin_opt_NAME value}, {@code auth_opt_NAME value}, {@code auth_plugin_deny_special_chars}. */
    void pluginOption(ConfLine line) {
        if (current == null) {
            throw line.error("option '" + line.option() + "' needs a 'plugin' line before it");
        }
        String option = line.option();
        if (option.equals("auth_plugin_deny_special_chars")) {
            current.denySpecialChars = Values.bool(line);
            return;
        }
        String name = option.substring(option.indexOf("_opt_") + "_opt_".length());
        if (name.isEmpty()) {
            throw line.error("option '" + option + "' needs a name after '_opt_'");
        }
        if (current.options.putIfAbsent(name, line.value()) != null) {
            throw line.error("duplicate " + option + " for the plugin at " + current.at);
        }
    }

    void clientIdPrefixes(ConfLine line) {
        String prefix = Values.text(line);
        if (prefix.chars().anyMatch(Character::isISOControl)) {
            throw line.error("clientid_prefixes contains a control character");
        }
        clientIdPrefixes.set(line, prefix);
    }

    /** Global whatever per_listener_settings says (mosquitto.conf(5)); the last line wins, as for any boolean. */
    void checkRetainSource(ConfLine line) {
        checkRetainSource = Values.bool(line);
    }

    /** The block ends at the next plugin line or at the end of the file. */
    void finish() {
        if (current != null) {
            plugins.add(new PluginConfig(current.jar, current.options, current.denySpecialChars, current.at));
            current = null;
        }
    }

    AccessOptions build() {
        finish();
        return new AccessOptions(plugins, clientIdPrefixes.get(), checkRetainSource);
    }
}

package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code plugin} jars with their {@code plugin_opt_*} options, and {@code clientid_prefixes}. */
class PluginOptionsTest {

    @TempDir
    Path dir;

    @Test
    void eachPluginGetsTheOptionsThatFollowIt() throws IOException {
        Path conf = write("""
                listener 1883
                plugin /opt/midge/first.jar
                plugin_opt_users /etc/users.json
                plugin_opt_greeting hello world
                auth_plugin /opt/midge/second.jar
                auth_opt_backend files
                auth_plugin_deny_special_chars false
                """);

        ParsedConf parsed = MosquittoConf.parse(conf);

        List<PluginConfig> plugins = parsed.config().access().plugins();
        assertEquals(2, plugins.size());
        assertEquals(Path.of("/opt/midge/first.jar"), plugins.get(0).jar());
        assertEquals(Map.of("users", "/etc/users.json", "greeting", "hello world"), plugins.get(0).options());
        assertTrue(plugins.get(0).denySpecialChars());
        assertEquals(new ConfigLocation(conf, 2), plugins.get(0).at());
        assertEquals(Map.of("backend", "files"), plugins.get(1).options());
        assertFalse(plugins.get(1).denySpecialChars());
        assertEquals(List.of(), parsed.warnings());
    }

    @Test
    void aCPluginIsRefusedNamingWhatMidgeLoadsInstead() throws IOException {
        Path conf = write("listener 1883\nplugin /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(2, e.line());
        assertTrue(e.reason().contains("Midge cannot load mosquitto's C plugins")
                && e.reason().contains("dev.midge.broker.security.AuthPlugin"), e.reason());
    }

    @Test
    void aPluginPerListenerIsRefused() throws IOException {
        Path conf = write("per_listener_settings true\nlistener 1883\nplugin /opt/p.jar\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(3, e.line());
        assertTrue(e.reason().startsWith("plugin cannot be honoured: with per_listener_settings true"), e.reason());
    }

    @Test
    void aRepeatedPluginOptionIsAnError() throws IOException {
        Path conf = write("plugin /opt/p.jar\nplugin_opt_a 1\nplugin_opt_a 2\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(3, e.line());
    }

    @Test
    void clientIdPrefixesIsRead() throws IOException {
        assertEquals("sensor-", MosquittoConf.parse(write("listener 1883\nclientid_prefixes sensor-\n"))
                .config().access().clientIdPrefixes());
        assertNull(MosquittoConf.parse(write("listener 1883\n")).config().access().clientIdPrefixes());
        assertEquals(List.of(), MosquittoConf.parse(write("listener 1883\n")).config().access().plugins());
    }

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("mosquitto.conf"), text);
    }
}

package dev.midge.cli.run;

import dev.midge.broker.security.AuthPlugin;
import dev.midge.broker.security.AuthenticationResult;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.security.ConnectRequest;
import dev.midge.conf.PluginConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Loads the Java plugin a {@code plugin /path/x.jar} line names: the one {@link AuthPlugin} the
 * jar declares in {@code META-INF/services/dev.midge.broker.security.AuthPlugin}, in a class loader
 * of its own (parent: Midge's, so it sees the API), initialised with its {@code plugin_opt_*}.
 * Anything wrong stops start-up naming the plugin line: a broker must not run without the access
 * control the file asks for.
 */
final class PluginLoader {

    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);

    private PluginLoader() {
    }

    /** The loaded plugin; closing it also closes its class loader. */
    static LoadedPlugin load(PluginConfig config) throws StartupException {
        if (!Files.isRegularFile(config.jar())) {
            throw refused(config, "no such file");
        }
        URLClassLoader loader = new URLClassLoader("midge-plugin " + config.jar().getFileName(),
                new URL[]{url(config)}, PluginLoader.class.getClassLoader());
        try {
            List<AuthPlugin> found = ServiceLoader.load(AuthPlugin.class, loader).stream()
                    .filter(p -> p.type().getClassLoader() == loader)
                    .map(ServiceLoader.Provider::get)
                    .toList();
            if (found.size() != 1) {
                throw refused(config, found.isEmpty() ? "the jar declares no " + AuthPlugin.class.getName()
                        + " in META-INF/services/" + AuthPlugin.class.getName()
                        : "the jar declares " + found.size() + " plugins; give each its own jar");
            }
            AuthPlugin plugin = found.get(0);
            plugin.init(config.options());
            LOG.info("Loaded plugin {} from {} with options {}.", plugin.name(), config.jar(),
                    config.options().keySet());
            return new LoadedPlugin(config.denySpecialChars() ? new DenySpecialChars(plugin) : plugin, loader);
        } catch (StartupException e) {
            closeQuietly(loader);
            throw e;
        } catch (ServiceConfigurationError | Exception | LinkageError e) {
            closeQuietly(loader);
            throw refused(config, "it failed to load: " + e);
        }
    }

    /** A plugin and its class loader, closed together with the broker. */
    record LoadedPlugin(AuthPlugin plugin, URLClassLoader loader) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try {
                plugin.close();
            } finally {
                loader.close();
            }
        }
    }

    /**
     * mosquitto's {@code auth_plugin_deny_special_chars} (default true): a username or client id with
     * '+' or '#' is refused before the plugin sees it, since a plugin may build ACL patterns from them.
     */
    private record DenySpecialChars(AuthPlugin plugin) implements AuthPlugin {
        @Override
        public AuthenticationResult checkConnect(ConnectRequest request, String username) {
            if (special(username) || special(request.clientId())) {
                return AuthenticationResult.refuse("username or client id contains '+' or '#' "
                        + "(auth_plugin_deny_special_chars)");
            }
            return plugin.checkConnect(request, username);
        }

        private static boolean special(String s) {
            return s != null && (s.indexOf('+') >= 0 || s.indexOf('#') >= 0);
        }

        @Override public void init(Map<String, String> options) throws Exception { plugin.init(options); }
        @Override public boolean canPublish(ClientIdentity c, String topic) { return plugin.canPublish(c, topic); }
        @Override public boolean canSubscribe(ClientIdentity c, String filter) { return plugin.canSubscribe(c, filter); }
        @Override public boolean canReceive(ClientIdentity c, String topic) { return plugin.canReceive(c, topic); }
        @Override public void close() throws Exception { plugin.close(); }
        @Override public String name() { return plugin.name(); }
    }

    private static URL url(PluginConfig config) throws StartupException {
        try {
            return config.jar().toUri().toURL();
        } catch (MalformedURLException e) {
            throw refused(config, e.getMessage());
        }
    }

    private static StartupException refused(PluginConfig config, String why) {
        return new StartupException(config.at() + ": plugin " + config.jar() + " cannot be loaded: " + why, 3);
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.debug("Closing the class loader of a plugin failed: {}", e.toString());
        }
    }
}

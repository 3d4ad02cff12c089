package dev.midge.conf;

import java.util.List;

/**
 * Broker-wide options that narrow who gets in and what they may do, beyond password file and ACL.
 *
 * @param plugins          {@code plugin}/{@code auth_plugin} lines (Java plugin jars), in file order
 * @param clientIdPrefixes {@code clientid_prefixes}: only client ids starting with this may connect; null for any
 * @param checkRetainSource {@code check_retain_source} (default true): a retained message is sent to a new
 *                         subscriber only while its publisher may still publish to its topic
 */
public record AccessOptions(List<PluginConfig> plugins, String clientIdPrefixes, boolean checkRetainSource) {

    public static final AccessOptions NONE = new AccessOptions(List.of(), null);

    public AccessOptions(List<PluginConfig> plugins, String clientIdPrefixes) {
        this(plugins, clientIdPrefixes, true);
    }

    public AccessOptions {
        plugins = List.copyOf(plugins);
    }
}
